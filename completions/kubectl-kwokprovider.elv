
use builtin;
use str;

set edit:completion:arg-completer[kubectl-kwokprovider] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'kubectl-kwokprovider'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'kubectl-kwokprovider'= {
            cand --kubeconfig 'Path to the kubeconfig file to use for CLI requests'
            cand --context 'The name of the kubeconfig context to use'
            cand -n 'The namespace of the ConfigMaps (else POD_NAMESPACE, else the context''s, else `default`)'
            cand --namespace 'The namespace of the ConfigMaps (else POD_NAMESPACE, else the context''s, else `default`)'
            cand --request-timeout 'How long to wait for a single server request (e.g. 5s, 1m; 0 = no timeout)'
            cand --color 'When to use colors (NO_COLOR disables them under `auto`)'
            cand -v 'More log detail on stderr: what was read, and from where'
            cand --verbose 'More log detail on stderr: what was read, and from where'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand validate 'Show what CA will do with the kwok provider ConfigMaps, and lint them'
            cand scale 'List node groups, or spawn and remove their kwok nodes exactly as CA would'
            cand events 'Tail cluster-autoscaler''s decisions (its events), decoded, with hints'
            cand status 'Show CA''s view of its node groups (its status ConfigMap) beside the ConfigMaps and the kwok nodes'
            cand init 'Make both kwok provider ConfigMaps, interactively or from flags; CA accepts what it writes'
            cand completion 'Print a shell completion script (bash, zsh, fish, powershell, elvish), or kubectl''s helper'
            cand man 'Print the man page (roff): kubectl kwokprovider man | man -l -'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'kubectl-kwokprovider;validate'= {
            cand -f 'File, directory or `-` (stdin) with ConfigMaps or a raw provider config; repeatable'
            cand --filename 'File, directory or `-` (stdin) with ConfigMaps or a raw provider config; repeatable'
            cand --templates 'Raw templates file (the value of the `templates` key)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --disable 'Turn a rule off (repeatable, or comma-separated; --list-rules shows the ids)'
            cand --ca-version 'The cluster-autoscaler version to model (1.29, 1.30, …, latest): field names, messages, and the nodes `scale` makes (the metrics annotation exists from 1.33). Default: the version of the CA Deployment''s image when validating the live cluster, else latest'
            cand --config-map 'Name of the provider-config ConfigMap (else KWOK_PROVIDER_CONFIGMAP, else kwok-provider-config)'
            cand --kubeconfig 'Path to the kubeconfig file to use for CLI requests'
            cand --context 'The name of the kubeconfig context to use'
            cand -n 'The namespace of the ConfigMaps (else POD_NAMESPACE, else the context''s, else `default`)'
            cand --namespace 'The namespace of the ConfigMaps (else POD_NAMESPACE, else the context''s, else `default`)'
            cand --request-timeout 'How long to wait for a single server request (e.g. 5s, 1m; 0 = no timeout)'
            cand --color 'When to use colors (NO_COLOR disables them under `auto`)'
            cand --list-rules 'Print the rule catalog and exit'
            cand --strict 'Fail (exit 1) on warnings too'
            cand -v 'More log detail on stderr: what was read, and from where'
            cand --verbose 'More log detail on stderr: what was read, and from where'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'kubectl-kwokprovider;scale'= {
            cand --replicas 'Bring each group to exactly N nodes'
            cand --add 'Add K nodes to the group'
            cand --remove 'Remove K nodes from the group'
            cand -f 'Read config and templates from files instead of the cluster''s ConfigMaps (nodes are still made in the cluster)'
            cand --filename 'Read config and templates from files instead of the cluster''s ConfigMaps (nodes are still made in the cluster)'
            cand --templates 'Raw templates file (the value of the `templates` key), with -f'
            cand --dry-run 'Change nothing: `client` prints the plan; `server` also sends each create and delete with the API server''s `dryRun=All`, so the server checks every node (bare `--dry-run`: client)'
            cand --concurrency 'Requests in flight at once'
            cand --qps 'Client-side requests per second, as client-go''s QPS (0: none, like kubectl; --concurrency bounds the load)'
            cand --burst 'Requests allowed at once above --qps, as client-go''s Burst'
            cand --wait 'Wait until the groups'' nodes are Ready (default 5m; e.g. --wait=2m)'
            cand --lock-timeout 'How long to wait for another run changing the same group (its Lease) to finish; 0: do not wait, exit 1'
            cand -o 'Output format (name: `node/NAME` for each node listed, created or deleted)'
            cand --output 'Output format (name: `node/NAME` for each node listed, created or deleted)'
            cand --ca-version 'The cluster-autoscaler version to model (1.29, 1.30, …, latest): field names, messages, and the nodes `scale` makes (the metrics annotation exists from 1.33). Default: the version of the CA Deployment''s image when validating the live cluster, else latest'
            cand --config-map 'Name of the provider-config ConfigMap (else KWOK_PROVIDER_CONFIGMAP, else kwok-provider-config)'
            cand --kubeconfig 'Path to the kubeconfig file to use for CLI requests'
            cand --context 'The name of the kubeconfig context to use'
            cand -n 'The namespace of the ConfigMaps (else POD_NAMESPACE, else the context''s, else `default`)'
            cand --namespace 'The namespace of the ConfigMaps (else POD_NAMESPACE, else the context''s, else `default`)'
            cand --request-timeout 'How long to wait for a single server request (e.g. 5s, 1m; 0 = no timeout)'
            cand --color 'When to use colors (NO_COLOR disables them under `auto`)'
            cand --all 'Every node group the config defines'
            cand --ignore-limits 'Go past the group''s min-count and max-count'
            cand --set-hostname 'Give each node its own `kubernetes.io/hostname` label (CA copies the template''s)'
            cand --no-headers 'Print the table without its header line'
            cand -v 'More log detail on stderr: what was read, and from where'
            cand --verbose 'More log detail on stderr: what was read, and from where'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'kubectl-kwokprovider;events'= {
            cand --since 'How far back the backlog goes (by lastTimestamp, else eventTime)'
            cand --max-events 'Stop after N events (exit 0)'
            cand --timeout 'Stop following after this long (exit 0)'
            cand --reason 'Only these reasons (repeatable, or comma-separated)'
            cand --type 'Only Normal or Warning events'
            cand --for 'Only events about this object, as KIND/NAME (e.g. pod/web-1), in the -n namespace'
            cand --nodegroup 'Only decisions about this node group'
            cand --timestamps 'How times are shown in text output'
            cand -o 'Output format (json: one object per line, NDJSON; yaml: one document per event, `---` between; name: `event/NAME`)'
            cand --output 'Output format (json: one object per line, NDJSON; yaml: one document per event, `---` between; name: `event/NAME`)'
            cand --kubeconfig 'Path to the kubeconfig file to use for CLI requests'
            cand --context 'The name of the kubeconfig context to use'
            cand -n 'The namespace of the ConfigMaps (else POD_NAMESPACE, else the context''s, else `default`)'
            cand --namespace 'The namespace of the ConfigMaps (else POD_NAMESPACE, else the context''s, else `default`)'
            cand --request-timeout 'How long to wait for a single server request (e.g. 5s, 1m; 0 = no timeout)'
            cand --color 'When to use colors (NO_COLOR disables them under `auto`)'
            cand -A 'Every namespace (the default unless -n is given)'
            cand --all-namespaces 'Every namespace (the default unless -n is given)'
            cand -f 'Keep watching for new events, like `kubectl logs -f` (`-w`, `--watch`: as `kubectl get events -w`)'
            cand -w 'Keep watching for new events, like `kubectl logs -f` (`-w`, `--watch`: as `kubectl get events -w`)'
            cand --follow 'Keep watching for new events, like `kubectl logs -f` (`-w`, `--watch`: as `kubectl get events -w`)'
            cand --watch 'Keep watching for new events, like `kubectl logs -f` (`-w`, `--watch`: as `kubectl get events -w`)'
            cand --no-headers 'Accepted as kubectl''s: the event lines have no header to leave out'
            cand -v 'More log detail on stderr: what was read, and from where'
            cand --verbose 'More log detail on stderr: what was read, and from where'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'kubectl-kwokprovider;status'= {
            cand --ca-namespace 'CA''s namespace (its --namespace), when no CA Deployment says it'
            cand --status-config-map 'Name of CA''s status ConfigMap (its --status-config-map-name)'
            cand -o 'Output format'
            cand --output 'Output format'
            cand --ca-version 'The cluster-autoscaler version to model (1.29, 1.30, …, latest): field names, messages, and the nodes `scale` makes (the metrics annotation exists from 1.33). Default: the version of the CA Deployment''s image when validating the live cluster, else latest'
            cand --config-map 'Name of the provider-config ConfigMap (else KWOK_PROVIDER_CONFIGMAP, else kwok-provider-config)'
            cand --kubeconfig 'Path to the kubeconfig file to use for CLI requests'
            cand --context 'The name of the kubeconfig context to use'
            cand -n 'The namespace of the ConfigMaps (else POD_NAMESPACE, else the context''s, else `default`)'
            cand --namespace 'The namespace of the ConfigMaps (else POD_NAMESPACE, else the context''s, else `default`)'
            cand --request-timeout 'How long to wait for a single server request (e.g. 5s, 1m; 0 = no timeout)'
            cand --color 'When to use colors (NO_COLOR disables them under `auto`)'
            cand -w 'Redraw whenever the status ConfigMap changes'
            cand --watch 'Redraw whenever the status ConfigMap changes'
            cand --no-headers 'Print the node groups'' table without its header line'
            cand -v 'More log detail on stderr: what was read, and from where'
            cand --verbose 'More log detail on stderr: what was read, and from where'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'kubectl-kwokprovider;init'= {
            cand --read-nodes-from 'Where CA takes templates from: a ConfigMap (recommended), or the live nodes carrying the grouping key'
            cand --group-by-label 'Group templates by this label (default kwok-nodegroup, a key no real node carries)'
            cand --group-by-annotation 'Group templates by this annotation instead'
            cand --preset 'A template from the catalog (repeatable); `=GROUP` names its node group'
            cand --from-node 'A template copied from a live node (repeatable); `=GROUP` names its node group'
            cand --templates-file 'Templates from a file (a List of Nodes, or Node documents; the `templates` key''s value)'
            cand --min 'min-count of every group (default 0)'
            cand --max 'max-count of every group (default 10)'
            cand --desired 'desired-count of every group (default: its min-count)'
            cand --size 'Sizes of one group (repeatable)'
            cand --gpu-label 'The label whose value names a node''s GPU type (nodes.gpuConfig.gpuLabelKey)'
            cand --templates-config-map 'Name of the templates ConfigMap (configmap.name)'
            cand --output-dir 'Write DIR/<config-map>.yaml and DIR/<templates-config-map>.yaml'
            cand -o 'Print the manifests: yaml (a stream) or json (a List); with --list-presets, the catalog'
            cand --output 'Print the manifests: yaml (a stream) or json (a List); with --list-presets, the catalog'
            cand --ca-version 'The cluster-autoscaler version to model (1.29, 1.30, …, latest): field names, messages, and the nodes `scale` makes (the metrics annotation exists from 1.33). Default: the version of the CA Deployment''s image when validating the live cluster, else latest'
            cand --config-map 'Name of the provider-config ConfigMap (else KWOK_PROVIDER_CONFIGMAP, else kwok-provider-config)'
            cand --kubeconfig 'Path to the kubeconfig file to use for CLI requests'
            cand --context 'The name of the kubeconfig context to use'
            cand -n 'The namespace of the ConfigMaps (else POD_NAMESPACE, else the context''s, else `default`)'
            cand --namespace 'The namespace of the ConfigMaps (else POD_NAMESPACE, else the context''s, else `default`)'
            cand --request-timeout 'How long to wait for a single server request (e.g. 5s, 1m; 0 = no timeout)'
            cand --color 'When to use colors (NO_COLOR disables them under `auto`)'
            cand -y 'Never prompt; a missing answer is an error (also the case without a terminal)'
            cand --non-interactive 'Never prompt; a missing answer is an error (also the case without a terminal)'
            cand --yes 'Never prompt; a missing answer is an error (also the case without a terminal)'
            cand --list-presets 'Print the preset catalog and exit'
            cand --skip-taint 'Do not taint the nodes `kwok-provider=true:NoSchedule` (any pending pod may then scale a group)'
            cand --apply 'Create or update the ConfigMaps in the cluster (-n namespace)'
            cand --create-namespace 'With --apply: create the namespace if it does not exist (checked before anything else)'
            cand --force 'Overwrite existing files, or change existing ConfigMaps, without asking'
            cand --save-defaults 'Store these answers as the next run''s defaults (defaults.yaml in the user config directory)'
            cand -v 'More log detail on stderr: what was read, and from where'
            cand --verbose 'More log detail on stderr: what was read, and from where'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'kubectl-kwokprovider;completion'= {
            cand --kubeconfig 'Path to the kubeconfig file to use for CLI requests'
            cand --context 'The name of the kubeconfig context to use'
            cand -n 'The namespace of the ConfigMaps (else POD_NAMESPACE, else the context''s, else `default`)'
            cand --namespace 'The namespace of the ConfigMaps (else POD_NAMESPACE, else the context''s, else `default`)'
            cand --request-timeout 'How long to wait for a single server request (e.g. 5s, 1m; 0 = no timeout)'
            cand --color 'When to use colors (NO_COLOR disables them under `auto`)'
            cand -v 'More log detail on stderr: what was read, and from where'
            cand --verbose 'More log detail on stderr: what was read, and from where'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'kubectl-kwokprovider;man'= {
            cand --kubeconfig 'Path to the kubeconfig file to use for CLI requests'
            cand --context 'The name of the kubeconfig context to use'
            cand -n 'The namespace of the ConfigMaps (else POD_NAMESPACE, else the context''s, else `default`)'
            cand --namespace 'The namespace of the ConfigMaps (else POD_NAMESPACE, else the context''s, else `default`)'
            cand --request-timeout 'How long to wait for a single server request (e.g. 5s, 1m; 0 = no timeout)'
            cand --color 'When to use colors (NO_COLOR disables them under `auto`)'
            cand -v 'More log detail on stderr: what was read, and from where'
            cand --verbose 'More log detail on stderr: what was read, and from where'
            cand -h 'Print help'
            cand --help 'Print help'
            cand -V 'Print version'
            cand --version 'Print version'
        }
        &'kubectl-kwokprovider;help'= {
            cand validate 'Show what CA will do with the kwok provider ConfigMaps, and lint them'
            cand scale 'List node groups, or spawn and remove their kwok nodes exactly as CA would'
            cand events 'Tail cluster-autoscaler''s decisions (its events), decoded, with hints'
            cand status 'Show CA''s view of its node groups (its status ConfigMap) beside the ConfigMaps and the kwok nodes'
            cand init 'Make both kwok provider ConfigMaps, interactively or from flags; CA accepts what it writes'
            cand completion 'Print a shell completion script (bash, zsh, fish, powershell, elvish), or kubectl''s helper'
            cand man 'Print the man page (roff): kubectl kwokprovider man | man -l -'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'kubectl-kwokprovider;help;validate'= {
        }
        &'kubectl-kwokprovider;help;scale'= {
        }
        &'kubectl-kwokprovider;help;events'= {
        }
        &'kubectl-kwokprovider;help;status'= {
        }
        &'kubectl-kwokprovider;help;init'= {
        }
        &'kubectl-kwokprovider;help;completion'= {
        }
        &'kubectl-kwokprovider;help;man'= {
        }
        &'kubectl-kwokprovider;help;help'= {
        }
    ]
    $completions[$command]
}
