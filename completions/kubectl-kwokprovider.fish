# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_kubectl_kwokprovider_global_optspecs
    string join \n kubeconfig= context= n/namespace= request-timeout= color= v/verbose h/help V/version
end

function __fish_kubectl_kwokprovider_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_kubectl_kwokprovider_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_kubectl_kwokprovider_using_subcommand
    set -l cmd (__fish_kubectl_kwokprovider_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_needs_command" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_needs_command" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_needs_command" -s n -l namespace -d 'The namespace of the ConfigMaps (else POD_NAMESPACE, else the context\'s, else `default`)' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_needs_command" -l request-timeout -d 'How long to wait for a single server request (e.g. 5s, 1m; 0 = no timeout)' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_needs_command" -l color -d 'When to use colors (NO_COLOR disables them under `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_needs_command" -s v -l verbose -d 'More log detail on stderr: what was read, and from where'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_needs_command" -s V -l version -d 'Print version'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_needs_command" -f -a "validate" -d 'Show what CA will do with the kwok provider ConfigMaps, and lint them'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_needs_command" -f -a "scale" -d 'List node groups, or spawn and remove their kwok nodes exactly as CA would'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_needs_command" -f -a "events" -d 'Tail cluster-autoscaler\'s decisions (its events), decoded, with hints'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_needs_command" -f -a "status" -d 'Show CA\'s view of its node groups (its status ConfigMap) beside the ConfigMaps and the kwok nodes'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_needs_command" -f -a "init" -d 'Make both kwok provider ConfigMaps, interactively or from flags; CA accepts what it writes'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_needs_command" -f -a "completion" -d 'Print a shell completion script (bash, zsh, fish, powershell, elvish), or kubectl\'s helper'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_needs_command" -f -a "man" -d 'Print the man page (roff): kubectl kwokprovider man | man -l -'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand validate" -s f -l filename -d 'File, directory or `-` (stdin) with ConfigMaps or a raw provider config; repeatable' -r -F
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand validate" -l templates -d 'Raw templates file (the value of the `templates` key)' -r -F
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand validate" -s o -l output -d 'Output format' -r -f -a "text\t''
json\t''
yaml\t''"
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand validate" -l disable -d 'Turn a rule off (repeatable, or comma-separated; --list-rules shows the ids)' -r -f -a "config-parse-error\t'the provider config is not valid YAML/JSON, or a value has a type CA\'s decoder rejects'
config-map-name-mismatch\t'the provider config is in a ConfigMap with another name than the one CA reads (a kustomize hash suffix, a helm prefix)'
config-empty\t'the provider-config ConfigMap has no `config` key, or it is empty'
config-extra-documents\t'the provider config holds several YAML documents; CA reads only the first'
config-duplicate-key\t'a config key written twice, or twice in different case; CA silently keeps one'
unknown-field\t'a field CA does not read; it is silently ignored'
field-case\t'a field that matches only case-insensitively (works, but misleads readers)'
api-version\t'`apiVersion` is missing or not `v1alpha1` (CA does not check it)'
read-nodes-from-invalid\t'`readNodesFrom` is not exactly `configmap` or `cluster`; CA exits'
configmap-section-missing\t'`readNodesFrom: configmap` without a `configmap.name`; CA exits'
configmap-key-ignored\t'`configmap.key` is read by nobody; CA always reads data key `templates`'
grouping-key-missing\t'neither `nodegroups.fromNodeLabelKey` nor the annotation key is set; CA exits'
grouping-key-conflict\t'both a grouping label key and a grouping annotation key are set; CA exits'
grouping-key-whitespace\t'the grouping key has surrounding spaces; CA uses it untrimmed and it never matches'
grouping-by-hostname\t'grouping by `kubernetes.io/hostname` makes CA scale up without end'
grouping-key-shared-with-real-nodes\t'the grouping key is a well-known label real nodes carry too; CA counts them into the groups'
gpu-config-incomplete\t'`nodes.gpuConfig` lacks `gpuLabelKey` or `availableGPUTypes`; CA exits'
gpu-type-unknown\t'a template\'s GPU label value is not in `availableGPUTypes`'
gpu-without-resource\t'a template has the GPU label but no `nvidia.com/gpu` allocatable; CA treats such nodes as unready'
kwok-section-ignored\t'settings under `kwok:` do nothing; CA does not install kwok'
configmap-too-large\t'a ConfigMap holds more than 1 MiB of data; the API server rejects it, so CA never reads it'
templates-missing\t'the templates ConfigMap or its `templates` key is missing, or named differently from `configmap.name`'
templates-empty\t'the templates hold no Node: only comments (CA exits) or an empty List (CA never scales up)'
templates-single-node\t'the templates are a single `Node` or `NodeList` document; CA rejects them'
template-decode-error\t'a templates document cannot be decoded as a Kubernetes object; CA exits'
template-not-node\t'a templates document or item is not a Node; CA drops it silently'
grouping-label-missing\t'templates without the grouping label/annotation are skipped silently; with none, CA never scales up'
template-annotations-missing\t'a template without `metadata.annotations` makes CA panic'
nodegroup-size-invalid\t'min/max/desired-count annotations that are not integers or out of order (CA exits), or a max-count of 0 (never scales up)'
nodegroup-duplicate\t'a later template maps to an existing node group; CA ignores it'
nodegroup-name-invalid\t'the node-group name is not a valid node-name prefix; every scale-up fails'
template-no-resources\t'the template lacks allocatable cpu, memory or pods, or has less than 100m cpu; no pod ever fits'
template-hostname-label\t'the template\'s `kubernetes.io/hostname` label is copied to every node CA creates'
template-real-node-leftovers\t'the template carries traces of a real node: control-plane or condition taints, `unschedulable`, or the kwok-provider taint'
config-not-found\t'the provider-config ConfigMap is not in the namespace CA reads'
ca-deployment-misconfigured\t'the cluster-autoscaler Deployment would not read these ConfigMaps as the kwok provider'
ca-not-found\t'no cluster-autoscaler Deployment found; CA may run locally'
kwok-controller-missing\t'no kwok controller and no Stage CRD; fake nodes will stay NotReady'
pods-do-not-tolerate-taint\t'pending pods would fit a template but do not tolerate the kwok-provider taint'
real-nodes-in-node-group\t'nodes that are not kwok\'s carry a node group\'s name (its grouping key); CA 1.30+ counts them into the group and never scales it up'
nodes-orphaned\t'kwok-managed nodes name a node group that no longer exists'"
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand validate" -l ca-version -d 'The cluster-autoscaler version to model (1.29, 1.30, …, latest): field names, messages, and the nodes `scale` makes (the metrics annotation exists from 1.33). Default: the version of the CA Deployment\'s image when validating the live cluster, else latest' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand validate" -l config-map -d 'Name of the provider-config ConfigMap (else KWOK_PROVIDER_CONFIGMAP, else kwok-provider-config)' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand validate" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand validate" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand validate" -s n -l namespace -d 'The namespace of the ConfigMaps (else POD_NAMESPACE, else the context\'s, else `default`)' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand validate" -l request-timeout -d 'How long to wait for a single server request (e.g. 5s, 1m; 0 = no timeout)' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand validate" -l color -d 'When to use colors (NO_COLOR disables them under `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand validate" -l list-rules -d 'Print the rule catalog and exit'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand validate" -l strict -d 'Fail (exit 1) on warnings too'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand validate" -s v -l verbose -d 'More log detail on stderr: what was read, and from where'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand validate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand validate" -s V -l version -d 'Print version'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand scale" -l replicas -d 'Bring each group to exactly N nodes' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand scale" -l add -d 'Add K nodes to the group' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand scale" -l remove -d 'Remove K nodes from the group' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand scale" -s f -l filename -d 'Read config and templates from files instead of the cluster\'s ConfigMaps (nodes are still made in the cluster)' -r -F
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand scale" -l templates -d 'Raw templates file (the value of the `templates` key), with -f' -r -F
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand scale" -l concurrency -d 'Requests in flight at once' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand scale" -l qps -d 'Client-side requests per second, as client-go\'s QPS (0: none, like kubectl; --concurrency bounds the load)' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand scale" -l burst -d 'Requests allowed at once above --qps, as client-go\'s Burst' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand scale" -l wait -d 'Wait until the groups\' nodes are Ready (default 5m; e.g. --wait=2m)' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand scale" -s o -l output -d 'Output format' -r -f -a "text\t''
json\t''"
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand scale" -l ca-version -d 'The cluster-autoscaler version to model (1.29, 1.30, …, latest): field names, messages, and the nodes `scale` makes (the metrics annotation exists from 1.33). Default: the version of the CA Deployment\'s image when validating the live cluster, else latest' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand scale" -l config-map -d 'Name of the provider-config ConfigMap (else KWOK_PROVIDER_CONFIGMAP, else kwok-provider-config)' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand scale" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand scale" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand scale" -s n -l namespace -d 'The namespace of the ConfigMaps (else POD_NAMESPACE, else the context\'s, else `default`)' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand scale" -l request-timeout -d 'How long to wait for a single server request (e.g. 5s, 1m; 0 = no timeout)' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand scale" -l color -d 'When to use colors (NO_COLOR disables them under `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand scale" -l all -d 'Every node group the config defines'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand scale" -l dry-run -d 'Print what would be created and deleted; change nothing'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand scale" -l ignore-limits -d 'Go past the group\'s min-count and max-count'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand scale" -l set-hostname -d 'Give each node its own `kubernetes.io/hostname` label (CA copies the template\'s)'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand scale" -s v -l verbose -d 'More log detail on stderr: what was read, and from where'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand scale" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand scale" -s V -l version -d 'Print version'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand events" -l since -d 'How far back the backlog goes (by lastTimestamp, else eventTime)' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand events" -l max-events -d 'Stop after N events (exit 0)' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand events" -l timeout -d 'Stop following after this long (exit 0)' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand events" -l reason -d 'Only these reasons (repeatable, or comma-separated)' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand events" -l type -d 'Only Normal or Warning events' -r -f -a "normal\t''
warning\t''"
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand events" -l for -d 'Only events about this object, as KIND/NAME (e.g. pod/web-1), in the -n namespace' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand events" -l nodegroup -d 'Only decisions about this node group' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand events" -l timestamps -d 'How times are shown in text output' -r -f -a "relative\t''
absolute\t''"
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand events" -s o -l output -d 'Output format (json: one object per line, NDJSON)' -r -f -a "text\t''
json\t''"
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand events" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand events" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand events" -s n -l namespace -d 'The namespace of the ConfigMaps (else POD_NAMESPACE, else the context\'s, else `default`)' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand events" -l request-timeout -d 'How long to wait for a single server request (e.g. 5s, 1m; 0 = no timeout)' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand events" -l color -d 'When to use colors (NO_COLOR disables them under `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand events" -s A -l all-namespaces -d 'Every namespace (the default unless -n is given)'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand events" -s f -l follow -d 'Keep watching for new events, like `kubectl logs -f`'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand events" -s v -l verbose -d 'More log detail on stderr: what was read, and from where'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand events" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand events" -s V -l version -d 'Print version'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand status" -l ca-namespace -d 'CA\'s namespace (its --namespace), when no CA Deployment says it' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand status" -l status-config-map -d 'Name of CA\'s status ConfigMap (its --status-config-map-name)' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand status" -s o -l output -d 'Output format' -r -f -a "text\t''
json\t''"
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand status" -l ca-version -d 'The cluster-autoscaler version to model (1.29, 1.30, …, latest): field names, messages, and the nodes `scale` makes (the metrics annotation exists from 1.33). Default: the version of the CA Deployment\'s image when validating the live cluster, else latest' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand status" -l config-map -d 'Name of the provider-config ConfigMap (else KWOK_PROVIDER_CONFIGMAP, else kwok-provider-config)' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand status" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand status" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand status" -s n -l namespace -d 'The namespace of the ConfigMaps (else POD_NAMESPACE, else the context\'s, else `default`)' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand status" -l request-timeout -d 'How long to wait for a single server request (e.g. 5s, 1m; 0 = no timeout)' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand status" -l color -d 'When to use colors (NO_COLOR disables them under `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand status" -s w -l watch -d 'Redraw whenever the status ConfigMap changes'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand status" -s v -l verbose -d 'More log detail on stderr: what was read, and from where'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand status" -s V -l version -d 'Print version'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand init" -l read-nodes-from -d 'Where CA takes templates from: a ConfigMap (recommended), or the live nodes carrying the grouping key' -r -f -a "configmap\t''
cluster\t''"
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand init" -l group-by-label -d 'Group templates by this label (default kwok-nodegroup, a key no real node carries)' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand init" -l group-by-annotation -d 'Group templates by this annotation instead' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand init" -l preset -d 'A template from the catalog (repeatable); `=GROUP` names its node group' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand init" -l from-node -d 'A template copied from a live node (repeatable); `=GROUP` names its node group' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand init" -l templates-file -d 'Templates from a file (a List of Nodes, or Node documents; the `templates` key\'s value)' -r -F
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand init" -l min -d 'min-count of every group (default 0)' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand init" -l max -d 'max-count of every group (default 10)' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand init" -l desired -d 'desired-count of every group (default: its min-count)' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand init" -l size -d 'Sizes of one group (repeatable)' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand init" -l gpu-label -d 'The label whose value names a node\'s GPU type (nodes.gpuConfig.gpuLabelKey)' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand init" -l templates-config-map -d 'Name of the templates ConfigMap (configmap.name)' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand init" -l output-dir -d 'Write DIR/<config-map>.yaml and DIR/<templates-config-map>.yaml' -r -F
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand init" -s o -l output -d 'Print the manifests: yaml (a stream) or json (a List); with --list-presets, the catalog' -r -f -a "text\t''
json\t''
yaml\t''"
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand init" -l ca-version -d 'The cluster-autoscaler version to model (1.29, 1.30, …, latest): field names, messages, and the nodes `scale` makes (the metrics annotation exists from 1.33). Default: the version of the CA Deployment\'s image when validating the live cluster, else latest' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand init" -l config-map -d 'Name of the provider-config ConfigMap (else KWOK_PROVIDER_CONFIGMAP, else kwok-provider-config)' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand init" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand init" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand init" -s n -l namespace -d 'The namespace of the ConfigMaps (else POD_NAMESPACE, else the context\'s, else `default`)' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand init" -l request-timeout -d 'How long to wait for a single server request (e.g. 5s, 1m; 0 = no timeout)' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand init" -l color -d 'When to use colors (NO_COLOR disables them under `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand init" -s y -l non-interactive -l yes -d 'Never prompt; a missing answer is an error (also the case without a terminal)'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand init" -l list-presets -d 'Print the preset catalog and exit'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand init" -l skip-taint -d 'Do not taint the nodes `kwok-provider=true:NoSchedule` (any pending pod may then scale a group)'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand init" -l apply -d 'Create or update the ConfigMaps in the cluster (-n namespace)'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand init" -l create-namespace -d 'With --apply: create the namespace if it does not exist (checked before anything else)'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand init" -l force -d 'Overwrite existing files, or change existing ConfigMaps, without asking'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand init" -l save-defaults -d 'Store these answers as the next run\'s defaults (defaults.yaml in the user config directory)'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand init" -s v -l verbose -d 'More log detail on stderr: what was read, and from where'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand init" -s V -l version -d 'Print version'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand completion" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand completion" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand completion" -s n -l namespace -d 'The namespace of the ConfigMaps (else POD_NAMESPACE, else the context\'s, else `default`)' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand completion" -l request-timeout -d 'How long to wait for a single server request (e.g. 5s, 1m; 0 = no timeout)' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand completion" -l color -d 'When to use colors (NO_COLOR disables them under `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand completion" -s v -l verbose -d 'More log detail on stderr: what was read, and from where'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand completion" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand completion" -s V -l version -d 'Print version'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand man" -l kubeconfig -d 'Path to the kubeconfig file to use for CLI requests' -r -F
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand man" -l context -d 'The name of the kubeconfig context to use' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand man" -s n -l namespace -d 'The namespace of the ConfigMaps (else POD_NAMESPACE, else the context\'s, else `default`)' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand man" -l request-timeout -d 'How long to wait for a single server request (e.g. 5s, 1m; 0 = no timeout)' -r
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand man" -l color -d 'When to use colors (NO_COLOR disables them under `auto`)' -r -f -a "auto\t''
always\t''
never\t''"
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand man" -s v -l verbose -d 'More log detail on stderr: what was read, and from where'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand man" -s h -l help -d 'Print help'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand man" -s V -l version -d 'Print version'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand help; and not __fish_seen_subcommand_from validate scale events status init completion man help" -f -a "validate" -d 'Show what CA will do with the kwok provider ConfigMaps, and lint them'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand help; and not __fish_seen_subcommand_from validate scale events status init completion man help" -f -a "scale" -d 'List node groups, or spawn and remove their kwok nodes exactly as CA would'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand help; and not __fish_seen_subcommand_from validate scale events status init completion man help" -f -a "events" -d 'Tail cluster-autoscaler\'s decisions (its events), decoded, with hints'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand help; and not __fish_seen_subcommand_from validate scale events status init completion man help" -f -a "status" -d 'Show CA\'s view of its node groups (its status ConfigMap) beside the ConfigMaps and the kwok nodes'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand help; and not __fish_seen_subcommand_from validate scale events status init completion man help" -f -a "init" -d 'Make both kwok provider ConfigMaps, interactively or from flags; CA accepts what it writes'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand help; and not __fish_seen_subcommand_from validate scale events status init completion man help" -f -a "completion" -d 'Print a shell completion script (bash, zsh, fish, powershell, elvish), or kubectl\'s helper'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand help; and not __fish_seen_subcommand_from validate scale events status init completion man help" -f -a "man" -d 'Print the man page (roff): kubectl kwokprovider man | man -l -'
complete -c kubectl-kwokprovider -n "__fish_kubectl_kwokprovider_using_subcommand help; and not __fish_seen_subcommand_from validate scale events status init completion man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
