
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'kubectl-kwokprovider' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'kubectl-kwokprovider'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'kubectl-kwokprovider' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace of the ConfigMaps (else POD_NAMESPACE, else the context''s, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace of the ConfigMaps (else POD_NAMESPACE, else the context''s, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a single server request (e.g. 5s, 1m; 0 = no timeout)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them under `auto`)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr: what was read, and from where')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr: what was read, and from where')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Show what CA will do with the kwok provider ConfigMaps, and lint them')
            [CompletionResult]::new('scale', 'scale', [CompletionResultType]::ParameterValue, 'List node groups, or spawn and remove their kwok nodes exactly as CA would')
            [CompletionResult]::new('events', 'events', [CompletionResultType]::ParameterValue, 'Tail cluster-autoscaler''s decisions (its events), decoded, with hints')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show CA''s view of its node groups (its status ConfigMap) beside the ConfigMaps and the kwok nodes')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Make both kwok provider ConfigMaps, interactively or from flags; CA accepts what it writes')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print a shell completion script (bash, zsh, fish, powershell, elvish), or kubectl''s helper')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff): kubectl kwokprovider man | man -l -')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-kwokprovider;validate' {
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'File, directory or `-` (stdin) with ConfigMaps or a raw provider config; repeatable')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'File, directory or `-` (stdin) with ConfigMaps or a raw provider config; repeatable')
            [CompletionResult]::new('--templates', '--templates', [CompletionResultType]::ParameterName, 'Raw templates file (the value of the `templates` key)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--disable', '--disable', [CompletionResultType]::ParameterName, 'Turn a rule off (repeatable, or comma-separated; --list-rules shows the ids)')
            [CompletionResult]::new('--ca-version', '--ca-version', [CompletionResultType]::ParameterName, 'The cluster-autoscaler version to model (1.29, 1.30, …, latest): field names, messages, and the nodes `scale` makes (the metrics annotation exists from 1.33). Default: the version of the CA Deployment''s image when validating the live cluster, else latest')
            [CompletionResult]::new('--config-map', '--config-map', [CompletionResultType]::ParameterName, 'Name of the provider-config ConfigMap (else KWOK_PROVIDER_CONFIGMAP, else kwok-provider-config)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace of the ConfigMaps (else POD_NAMESPACE, else the context''s, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace of the ConfigMaps (else POD_NAMESPACE, else the context''s, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a single server request (e.g. 5s, 1m; 0 = no timeout)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them under `auto`)')
            [CompletionResult]::new('--list-rules', '--list-rules', [CompletionResultType]::ParameterName, 'Print the rule catalog and exit')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Fail (exit 1) on warnings too')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr: what was read, and from where')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr: what was read, and from where')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-kwokprovider;scale' {
            [CompletionResult]::new('--replicas', '--replicas', [CompletionResultType]::ParameterName, 'Bring each group to exactly N nodes')
            [CompletionResult]::new('--add', '--add', [CompletionResultType]::ParameterName, 'Add K nodes to the group')
            [CompletionResult]::new('--remove', '--remove', [CompletionResultType]::ParameterName, 'Remove K nodes from the group')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Read config and templates from files instead of the cluster''s ConfigMaps (nodes are still made in the cluster)')
            [CompletionResult]::new('--filename', '--filename', [CompletionResultType]::ParameterName, 'Read config and templates from files instead of the cluster''s ConfigMaps (nodes are still made in the cluster)')
            [CompletionResult]::new('--templates', '--templates', [CompletionResultType]::ParameterName, 'Raw templates file (the value of the `templates` key), with -f')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Change nothing: `client` prints the plan; `server` also sends each create and delete with the API server''s `dryRun=All`, so the server checks every node (bare `--dry-run`: client)')
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Requests in flight at once')
            [CompletionResult]::new('--qps', '--qps', [CompletionResultType]::ParameterName, 'Client-side requests per second, as client-go''s QPS (0: none, like kubectl; --concurrency bounds the load)')
            [CompletionResult]::new('--burst', '--burst', [CompletionResultType]::ParameterName, 'Requests allowed at once above --qps, as client-go''s Burst')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the groups'' nodes are Ready (default 5m; e.g. --wait=2m)')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for another run changing the same group (its Lease) to finish; 0: do not wait, exit 1')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (name: `node/NAME` for each node listed, created or deleted)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (name: `node/NAME` for each node listed, created or deleted)')
            [CompletionResult]::new('--ca-version', '--ca-version', [CompletionResultType]::ParameterName, 'The cluster-autoscaler version to model (1.29, 1.30, …, latest): field names, messages, and the nodes `scale` makes (the metrics annotation exists from 1.33). Default: the version of the CA Deployment''s image when validating the live cluster, else latest')
            [CompletionResult]::new('--config-map', '--config-map', [CompletionResultType]::ParameterName, 'Name of the provider-config ConfigMap (else KWOK_PROVIDER_CONFIGMAP, else kwok-provider-config)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace of the ConfigMaps (else POD_NAMESPACE, else the context''s, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace of the ConfigMaps (else POD_NAMESPACE, else the context''s, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a single server request (e.g. 5s, 1m; 0 = no timeout)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them under `auto`)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every node group the config defines')
            [CompletionResult]::new('--ignore-limits', '--ignore-limits', [CompletionResultType]::ParameterName, 'Go past the group''s min-count and max-count')
            [CompletionResult]::new('--set-hostname', '--set-hostname', [CompletionResultType]::ParameterName, 'Give each node its own `kubernetes.io/hostname` label (CA copies the template''s)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Print the table without its header line')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr: what was read, and from where')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr: what was read, and from where')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-kwokprovider;events' {
            [CompletionResult]::new('--since', '--since', [CompletionResultType]::ParameterName, 'How far back the backlog goes (by lastTimestamp, else eventTime)')
            [CompletionResult]::new('--max-events', '--max-events', [CompletionResultType]::ParameterName, 'Stop after N events (exit 0)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Stop following after this long (exit 0)')
            [CompletionResult]::new('--reason', '--reason', [CompletionResultType]::ParameterName, 'Only these reasons (repeatable, or comma-separated)')
            [CompletionResult]::new('--type', '--type', [CompletionResultType]::ParameterName, 'Only Normal or Warning events')
            [CompletionResult]::new('--for', '--for', [CompletionResultType]::ParameterName, 'Only events about this object, as KIND/NAME (e.g. pod/web-1), in the -n namespace')
            [CompletionResult]::new('--nodegroup', '--nodegroup', [CompletionResultType]::ParameterName, 'Only decisions about this node group')
            [CompletionResult]::new('--timestamps', '--timestamps', [CompletionResultType]::ParameterName, 'How times are shown in text output')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (json: one object per line, NDJSON; yaml: one document per event, `---` between; name: `event/NAME`)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (json: one object per line, NDJSON; yaml: one document per event, `---` between; name: `event/NAME`)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace of the ConfigMaps (else POD_NAMESPACE, else the context''s, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace of the ConfigMaps (else POD_NAMESPACE, else the context''s, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a single server request (e.g. 5s, 1m; 0 = no timeout)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them under `auto`)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Every namespace (the default unless -n is given)')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Every namespace (the default unless -n is given)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep watching for new events, like `kubectl logs -f` (`-w`, `--watch`: as `kubectl get events -w`)')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Keep watching for new events, like `kubectl logs -f` (`-w`, `--watch`: as `kubectl get events -w`)')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep watching for new events, like `kubectl logs -f` (`-w`, `--watch`: as `kubectl get events -w`)')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Keep watching for new events, like `kubectl logs -f` (`-w`, `--watch`: as `kubectl get events -w`)')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Accepted as kubectl''s: the event lines have no header to leave out')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr: what was read, and from where')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr: what was read, and from where')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-kwokprovider;status' {
            [CompletionResult]::new('--ca-namespace', '--ca-namespace', [CompletionResultType]::ParameterName, 'CA''s namespace (its --namespace), when no CA Deployment says it')
            [CompletionResult]::new('--status-config-map', '--status-config-map', [CompletionResultType]::ParameterName, 'Name of CA''s status ConfigMap (its --status-config-map-name)')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--ca-version', '--ca-version', [CompletionResultType]::ParameterName, 'The cluster-autoscaler version to model (1.29, 1.30, …, latest): field names, messages, and the nodes `scale` makes (the metrics annotation exists from 1.33). Default: the version of the CA Deployment''s image when validating the live cluster, else latest')
            [CompletionResult]::new('--config-map', '--config-map', [CompletionResultType]::ParameterName, 'Name of the provider-config ConfigMap (else KWOK_PROVIDER_CONFIGMAP, else kwok-provider-config)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace of the ConfigMaps (else POD_NAMESPACE, else the context''s, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace of the ConfigMaps (else POD_NAMESPACE, else the context''s, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a single server request (e.g. 5s, 1m; 0 = no timeout)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them under `auto`)')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Redraw whenever the status ConfigMap changes')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Redraw whenever the status ConfigMap changes')
            [CompletionResult]::new('--no-headers', '--no-headers', [CompletionResultType]::ParameterName, 'Print the node groups'' table without its header line')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr: what was read, and from where')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr: what was read, and from where')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-kwokprovider;init' {
            [CompletionResult]::new('--read-nodes-from', '--read-nodes-from', [CompletionResultType]::ParameterName, 'Where CA takes templates from: a ConfigMap (recommended), or the live nodes carrying the grouping key')
            [CompletionResult]::new('--group-by-label', '--group-by-label', [CompletionResultType]::ParameterName, 'Group templates by this label (default kwok-nodegroup, a key no real node carries)')
            [CompletionResult]::new('--group-by-annotation', '--group-by-annotation', [CompletionResultType]::ParameterName, 'Group templates by this annotation instead')
            [CompletionResult]::new('--preset', '--preset', [CompletionResultType]::ParameterName, 'A template from the catalog (repeatable); `=GROUP` names its node group')
            [CompletionResult]::new('--from-node', '--from-node', [CompletionResultType]::ParameterName, 'A template copied from a live node (repeatable); `=GROUP` names its node group')
            [CompletionResult]::new('--templates-file', '--templates-file', [CompletionResultType]::ParameterName, 'Templates from a file (a List of Nodes, or Node documents; the `templates` key''s value)')
            [CompletionResult]::new('--min', '--min', [CompletionResultType]::ParameterName, 'min-count of every group (default 0)')
            [CompletionResult]::new('--max', '--max', [CompletionResultType]::ParameterName, 'max-count of every group (default 10)')
            [CompletionResult]::new('--desired', '--desired', [CompletionResultType]::ParameterName, 'desired-count of every group (default: its min-count)')
            [CompletionResult]::new('--size', '--size', [CompletionResultType]::ParameterName, 'Sizes of one group (repeatable)')
            [CompletionResult]::new('--gpu-label', '--gpu-label', [CompletionResultType]::ParameterName, 'The label whose value names a node''s GPU type (nodes.gpuConfig.gpuLabelKey)')
            [CompletionResult]::new('--templates-config-map', '--templates-config-map', [CompletionResultType]::ParameterName, 'Name of the templates ConfigMap (configmap.name)')
            [CompletionResult]::new('--output-dir', '--output-dir', [CompletionResultType]::ParameterName, 'Write DIR/<config-map>.yaml and DIR/<templates-config-map>.yaml')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Print the manifests: yaml (a stream) or json (a List); with --list-presets, the catalog')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Print the manifests: yaml (a stream) or json (a List); with --list-presets, the catalog')
            [CompletionResult]::new('--ca-version', '--ca-version', [CompletionResultType]::ParameterName, 'The cluster-autoscaler version to model (1.29, 1.30, …, latest): field names, messages, and the nodes `scale` makes (the metrics annotation exists from 1.33). Default: the version of the CA Deployment''s image when validating the live cluster, else latest')
            [CompletionResult]::new('--config-map', '--config-map', [CompletionResultType]::ParameterName, 'Name of the provider-config ConfigMap (else KWOK_PROVIDER_CONFIGMAP, else kwok-provider-config)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace of the ConfigMaps (else POD_NAMESPACE, else the context''s, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace of the ConfigMaps (else POD_NAMESPACE, else the context''s, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a single server request (e.g. 5s, 1m; 0 = no timeout)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them under `auto`)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt; a missing answer is an error (also the case without a terminal)')
            [CompletionResult]::new('--non-interactive', '--non-interactive', [CompletionResultType]::ParameterName, 'Never prompt; a missing answer is an error (also the case without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt; a missing answer is an error (also the case without a terminal)')
            [CompletionResult]::new('--list-presets', '--list-presets', [CompletionResultType]::ParameterName, 'Print the preset catalog and exit')
            [CompletionResult]::new('--skip-taint', '--skip-taint', [CompletionResultType]::ParameterName, 'Do not taint the nodes `kwok-provider=true:NoSchedule` (any pending pod may then scale a group)')
            [CompletionResult]::new('--apply', '--apply', [CompletionResultType]::ParameterName, 'Create or update the ConfigMaps in the cluster (-n namespace)')
            [CompletionResult]::new('--create-namespace', '--create-namespace', [CompletionResultType]::ParameterName, 'With --apply: create the namespace if it does not exist (checked before anything else)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite existing files, or change existing ConfigMaps, without asking')
            [CompletionResult]::new('--save-defaults', '--save-defaults', [CompletionResultType]::ParameterName, 'Store these answers as the next run''s defaults (defaults.yaml in the user config directory)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr: what was read, and from where')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr: what was read, and from where')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-kwokprovider;completion' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace of the ConfigMaps (else POD_NAMESPACE, else the context''s, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace of the ConfigMaps (else POD_NAMESPACE, else the context''s, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a single server request (e.g. 5s, 1m; 0 = no timeout)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them under `auto`)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr: what was read, and from where')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr: what was read, and from where')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-kwokprovider;man' {
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace of the ConfigMaps (else POD_NAMESPACE, else the context''s, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace of the ConfigMaps (else POD_NAMESPACE, else the context''s, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long to wait for a single server request (e.g. 5s, 1m; 0 = no timeout)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors (NO_COLOR disables them under `auto`)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More log detail on stderr: what was read, and from where')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More log detail on stderr: what was read, and from where')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'kubectl-kwokprovider;help' {
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Show what CA will do with the kwok provider ConfigMaps, and lint them')
            [CompletionResult]::new('scale', 'scale', [CompletionResultType]::ParameterValue, 'List node groups, or spawn and remove their kwok nodes exactly as CA would')
            [CompletionResult]::new('events', 'events', [CompletionResultType]::ParameterValue, 'Tail cluster-autoscaler''s decisions (its events), decoded, with hints')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Show CA''s view of its node groups (its status ConfigMap) beside the ConfigMaps and the kwok nodes')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Make both kwok provider ConfigMaps, interactively or from flags; CA accepts what it writes')
            [CompletionResult]::new('completion', 'completion', [CompletionResultType]::ParameterValue, 'Print a shell completion script (bash, zsh, fish, powershell, elvish), or kubectl''s helper')
            [CompletionResult]::new('man', 'man', [CompletionResultType]::ParameterValue, 'Print the man page (roff): kubectl kwokprovider man | man -l -')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'kubectl-kwokprovider;help;validate' {
            break
        }
        'kubectl-kwokprovider;help;scale' {
            break
        }
        'kubectl-kwokprovider;help;events' {
            break
        }
        'kubectl-kwokprovider;help;status' {
            break
        }
        'kubectl-kwokprovider;help;init' {
            break
        }
        'kubectl-kwokprovider;help;completion' {
            break
        }
        'kubectl-kwokprovider;help;man' {
            break
        }
        'kubectl-kwokprovider;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
