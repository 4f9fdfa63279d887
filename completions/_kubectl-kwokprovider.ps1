
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
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long the command may wait for the server (e.g. 5s, 1m); 0, the default as in kubectl: no limit for the command (each request still gives up after 30s of silence; watches are never cut)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors, in output, help and errors (NO_COLOR disables them under `auto`)')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s --v=N (what -v=N and -v N become; see -v)')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (works without a kubeconfig)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (works without a kubeconfig)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for authentication to the API server')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation (a user or a service account)')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation (repeatable)')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate for the operation')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('--certificate-authority', '--certificate-authority', [CompletionResultType]::ParameterName, 'Path to a cert file for the certificate authority')
            [CompletionResult]::new('--client-certificate', '--client-certificate', [CompletionResultType]::ParameterName, 'Path to a client certificate file for TLS')
            [CompletionResult]::new('--client-key', '--client-key', [CompletionResultType]::ParameterName, 'Path to a client key file for TLS')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'Server name to use for server certificate validation (else the server''s hostname)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v what was read and from where; as kubectl, -v=6 (or -vv) logs each request (method, URL, status, time), -v=8 (-vvv) adds bodies (cut at 10240 chars), -v=9 (-vvvv) curl-like headers. -v=N, -v N and --v=N are the same')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v what was read and from where; as kubectl, -v=6 (or -vv) logs each request (method, URL, status, time), -v=8 (-vvv) adds bodies (cut at 10240 chars), -v=9 (-vvvv) curl-like headers. -v=N, -v N and --v=N are the same')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not check the server''s certificate (insecure: test clusters only)')
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
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long the command may wait for the server (e.g. 5s, 1m); 0, the default as in kubectl: no limit for the command (each request still gives up after 30s of silence; watches are never cut)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors, in output, help and errors (NO_COLOR disables them under `auto`)')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s --v=N (what -v=N and -v N become; see -v)')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (works without a kubeconfig)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (works without a kubeconfig)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for authentication to the API server')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation (a user or a service account)')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation (repeatable)')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate for the operation')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('--certificate-authority', '--certificate-authority', [CompletionResultType]::ParameterName, 'Path to a cert file for the certificate authority')
            [CompletionResult]::new('--client-certificate', '--client-certificate', [CompletionResultType]::ParameterName, 'Path to a client certificate file for TLS')
            [CompletionResult]::new('--client-key', '--client-key', [CompletionResultType]::ParameterName, 'Path to a client key file for TLS')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'Server name to use for server certificate validation (else the server''s hostname)')
            [CompletionResult]::new('--list-rules', '--list-rules', [CompletionResultType]::ParameterName, 'Print the rule catalog and exit')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Fail (exit 1) on warnings too')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v what was read and from where; as kubectl, -v=6 (or -vv) logs each request (method, URL, status, time), -v=8 (-vvv) adds bodies (cut at 10240 chars), -v=9 (-vvvv) curl-like headers. -v=N, -v N and --v=N are the same')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v what was read and from where; as kubectl, -v=6 (or -vv) logs each request (method, URL, status, time), -v=8 (-vvv) adds bodies (cut at 10240 chars), -v=9 (-vvvv) curl-like headers. -v=N, -v N and --v=N are the same')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not check the server''s certificate (insecure: test clusters only)')
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
            [CompletionResult]::new('--concurrency', '--concurrency', [CompletionResultType]::ParameterName, 'Requests in flight at once')
            [CompletionResult]::new('--qps', '--qps', [CompletionResultType]::ParameterName, 'Client-side requests per second, as client-go''s QPS (0: none, like kubectl; --concurrency bounds the load)')
            [CompletionResult]::new('--burst', '--burst', [CompletionResultType]::ParameterName, 'Requests allowed at once above --qps, as client-go''s Burst')
            [CompletionResult]::new('--wait', '--wait', [CompletionResultType]::ParameterName, 'Wait until the groups'' nodes are Ready, up to --timeout (or --wait=DURATION)')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'With --wait: how long to wait for the nodes to be Ready, as kubectl''s --timeout (default 5m)')
            [CompletionResult]::new('--lock-timeout', '--lock-timeout', [CompletionResultType]::ParameterName, 'How long to wait for another run changing the same group (its Lease) to finish; 0: do not wait, exit 1')
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--ca-version', '--ca-version', [CompletionResultType]::ParameterName, 'The cluster-autoscaler version to model (1.29, 1.30, …, latest): field names, messages, and the nodes `scale` makes (the metrics annotation exists from 1.33). Default: the version of the CA Deployment''s image when validating the live cluster, else latest')
            [CompletionResult]::new('--config-map', '--config-map', [CompletionResultType]::ParameterName, 'Name of the provider-config ConfigMap (else KWOK_PROVIDER_CONFIGMAP, else kwok-provider-config)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace of the ConfigMaps (else POD_NAMESPACE, else the context''s, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace of the ConfigMaps (else POD_NAMESPACE, else the context''s, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long the command may wait for the server (e.g. 5s, 1m); 0, the default as in kubectl: no limit for the command (each request still gives up after 30s of silence; watches are never cut)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors, in output, help and errors (NO_COLOR disables them under `auto`)')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s --v=N (what -v=N and -v N become; see -v)')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (works without a kubeconfig)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (works without a kubeconfig)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for authentication to the API server')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation (a user or a service account)')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation (repeatable)')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate for the operation')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('--certificate-authority', '--certificate-authority', [CompletionResultType]::ParameterName, 'Path to a cert file for the certificate authority')
            [CompletionResult]::new('--client-certificate', '--client-certificate', [CompletionResultType]::ParameterName, 'Path to a client certificate file for TLS')
            [CompletionResult]::new('--client-key', '--client-key', [CompletionResultType]::ParameterName, 'Path to a client key file for TLS')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'Server name to use for server certificate validation (else the server''s hostname)')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Every node group the config defines')
            [CompletionResult]::new('--dry-run', '--dry-run', [CompletionResultType]::ParameterName, 'Print what would be created and deleted; change nothing')
            [CompletionResult]::new('--ignore-limits', '--ignore-limits', [CompletionResultType]::ParameterName, 'Go past the group''s min-count and max-count')
            [CompletionResult]::new('--set-hostname', '--set-hostname', [CompletionResultType]::ParameterName, 'Give each node its own `kubernetes.io/hostname` label (CA copies the template''s)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v what was read and from where; as kubectl, -v=6 (or -vv) logs each request (method, URL, status, time), -v=8 (-vvv) adds bodies (cut at 10240 chars), -v=9 (-vvvv) curl-like headers. -v=N, -v N and --v=N are the same')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v what was read and from where; as kubectl, -v=6 (or -vv) logs each request (method, URL, status, time), -v=8 (-vvv) adds bodies (cut at 10240 chars), -v=9 (-vvvv) curl-like headers. -v=N, -v N and --v=N are the same')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not check the server''s certificate (insecure: test clusters only)')
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
            [CompletionResult]::new('-o', '-o', [CompletionResultType]::ParameterName, 'Output format (json: one object per line, NDJSON)')
            [CompletionResult]::new('--output', '--output', [CompletionResultType]::ParameterName, 'Output format (json: one object per line, NDJSON)')
            [CompletionResult]::new('--kubeconfig', '--kubeconfig', [CompletionResultType]::ParameterName, 'Path to the kubeconfig file to use for CLI requests')
            [CompletionResult]::new('--context', '--context', [CompletionResultType]::ParameterName, 'The name of the kubeconfig context to use')
            [CompletionResult]::new('-n', '-n', [CompletionResultType]::ParameterName, 'The namespace of the ConfigMaps (else POD_NAMESPACE, else the context''s, else `default`)')
            [CompletionResult]::new('--namespace', '--namespace', [CompletionResultType]::ParameterName, 'The namespace of the ConfigMaps (else POD_NAMESPACE, else the context''s, else `default`)')
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long the command may wait for the server (e.g. 5s, 1m); 0, the default as in kubectl: no limit for the command (each request still gives up after 30s of silence; watches are never cut)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors, in output, help and errors (NO_COLOR disables them under `auto`)')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s --v=N (what -v=N and -v N become; see -v)')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (works without a kubeconfig)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (works without a kubeconfig)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for authentication to the API server')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation (a user or a service account)')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation (repeatable)')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate for the operation')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('--certificate-authority', '--certificate-authority', [CompletionResultType]::ParameterName, 'Path to a cert file for the certificate authority')
            [CompletionResult]::new('--client-certificate', '--client-certificate', [CompletionResultType]::ParameterName, 'Path to a client certificate file for TLS')
            [CompletionResult]::new('--client-key', '--client-key', [CompletionResultType]::ParameterName, 'Path to a client key file for TLS')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'Server name to use for server certificate validation (else the server''s hostname)')
            [CompletionResult]::new('-A', '-A ', [CompletionResultType]::ParameterName, 'Every namespace (the default unless -n is given)')
            [CompletionResult]::new('--all-namespaces', '--all-namespaces', [CompletionResultType]::ParameterName, 'Every namespace (the default unless -n is given)')
            [CompletionResult]::new('-f', '-f', [CompletionResultType]::ParameterName, 'Keep watching for new events, like `kubectl logs -f`')
            [CompletionResult]::new('--follow', '--follow', [CompletionResultType]::ParameterName, 'Keep watching for new events, like `kubectl logs -f`')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v what was read and from where; as kubectl, -v=6 (or -vv) logs each request (method, URL, status, time), -v=8 (-vvv) adds bodies (cut at 10240 chars), -v=9 (-vvvv) curl-like headers. -v=N, -v N and --v=N are the same')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v what was read and from where; as kubectl, -v=6 (or -vv) logs each request (method, URL, status, time), -v=8 (-vvv) adds bodies (cut at 10240 chars), -v=9 (-vvvv) curl-like headers. -v=N, -v N and --v=N are the same')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not check the server''s certificate (insecure: test clusters only)')
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
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long the command may wait for the server (e.g. 5s, 1m); 0, the default as in kubectl: no limit for the command (each request still gives up after 30s of silence; watches are never cut)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors, in output, help and errors (NO_COLOR disables them under `auto`)')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s --v=N (what -v=N and -v N become; see -v)')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (works without a kubeconfig)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (works without a kubeconfig)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for authentication to the API server')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation (a user or a service account)')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation (repeatable)')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate for the operation')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('--certificate-authority', '--certificate-authority', [CompletionResultType]::ParameterName, 'Path to a cert file for the certificate authority')
            [CompletionResult]::new('--client-certificate', '--client-certificate', [CompletionResultType]::ParameterName, 'Path to a client certificate file for TLS')
            [CompletionResult]::new('--client-key', '--client-key', [CompletionResultType]::ParameterName, 'Path to a client key file for TLS')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'Server name to use for server certificate validation (else the server''s hostname)')
            [CompletionResult]::new('-w', '-w', [CompletionResultType]::ParameterName, 'Redraw whenever the status ConfigMap changes')
            [CompletionResult]::new('--watch', '--watch', [CompletionResultType]::ParameterName, 'Redraw whenever the status ConfigMap changes')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v what was read and from where; as kubectl, -v=6 (or -vv) logs each request (method, URL, status, time), -v=8 (-vvv) adds bodies (cut at 10240 chars), -v=9 (-vvvv) curl-like headers. -v=N, -v N and --v=N are the same')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v what was read and from where; as kubectl, -v=6 (or -vv) logs each request (method, URL, status, time), -v=8 (-vvv) adds bodies (cut at 10240 chars), -v=9 (-vvvv) curl-like headers. -v=N, -v N and --v=N are the same')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not check the server''s certificate (insecure: test clusters only)')
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
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long the command may wait for the server (e.g. 5s, 1m); 0, the default as in kubectl: no limit for the command (each request still gives up after 30s of silence; watches are never cut)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors, in output, help and errors (NO_COLOR disables them under `auto`)')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s --v=N (what -v=N and -v N become; see -v)')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (works without a kubeconfig)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (works without a kubeconfig)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for authentication to the API server')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation (a user or a service account)')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation (repeatable)')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate for the operation')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('--certificate-authority', '--certificate-authority', [CompletionResultType]::ParameterName, 'Path to a cert file for the certificate authority')
            [CompletionResult]::new('--client-certificate', '--client-certificate', [CompletionResultType]::ParameterName, 'Path to a client certificate file for TLS')
            [CompletionResult]::new('--client-key', '--client-key', [CompletionResultType]::ParameterName, 'Path to a client key file for TLS')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'Server name to use for server certificate validation (else the server''s hostname)')
            [CompletionResult]::new('-y', '-y', [CompletionResultType]::ParameterName, 'Never prompt; a missing answer is an error (also the case without a terminal)')
            [CompletionResult]::new('--non-interactive', '--non-interactive', [CompletionResultType]::ParameterName, 'Never prompt; a missing answer is an error (also the case without a terminal)')
            [CompletionResult]::new('--yes', '--yes', [CompletionResultType]::ParameterName, 'Never prompt; a missing answer is an error (also the case without a terminal)')
            [CompletionResult]::new('--list-presets', '--list-presets', [CompletionResultType]::ParameterName, 'Print the preset catalog and exit')
            [CompletionResult]::new('--skip-taint', '--skip-taint', [CompletionResultType]::ParameterName, 'Do not taint the nodes `kwok-provider=true:NoSchedule` (any pending pod may then scale a group)')
            [CompletionResult]::new('--apply', '--apply', [CompletionResultType]::ParameterName, 'Create or update the ConfigMaps in the cluster (-n namespace)')
            [CompletionResult]::new('--create-namespace', '--create-namespace', [CompletionResultType]::ParameterName, 'With --apply: create the namespace if it does not exist (checked before anything else)')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Overwrite existing files, or change existing ConfigMaps, without asking')
            [CompletionResult]::new('--save-defaults', '--save-defaults', [CompletionResultType]::ParameterName, 'Store these answers as the next run''s defaults (defaults.yaml in the user config directory)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v what was read and from where; as kubectl, -v=6 (or -vv) logs each request (method, URL, status, time), -v=8 (-vvv) adds bodies (cut at 10240 chars), -v=9 (-vvvv) curl-like headers. -v=N, -v N and --v=N are the same')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v what was read and from where; as kubectl, -v=6 (or -vv) logs each request (method, URL, status, time), -v=8 (-vvv) adds bodies (cut at 10240 chars), -v=9 (-vvvv) curl-like headers. -v=N, -v N and --v=N are the same')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not check the server''s certificate (insecure: test clusters only)')
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
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long the command may wait for the server (e.g. 5s, 1m); 0, the default as in kubectl: no limit for the command (each request still gives up after 30s of silence; watches are never cut)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors, in output, help and errors (NO_COLOR disables them under `auto`)')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s --v=N (what -v=N and -v N become; see -v)')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (works without a kubeconfig)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (works without a kubeconfig)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for authentication to the API server')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation (a user or a service account)')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation (repeatable)')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate for the operation')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('--certificate-authority', '--certificate-authority', [CompletionResultType]::ParameterName, 'Path to a cert file for the certificate authority')
            [CompletionResult]::new('--client-certificate', '--client-certificate', [CompletionResultType]::ParameterName, 'Path to a client certificate file for TLS')
            [CompletionResult]::new('--client-key', '--client-key', [CompletionResultType]::ParameterName, 'Path to a client key file for TLS')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'Server name to use for server certificate validation (else the server''s hostname)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v what was read and from where; as kubectl, -v=6 (or -vv) logs each request (method, URL, status, time), -v=8 (-vvv) adds bodies (cut at 10240 chars), -v=9 (-vvvv) curl-like headers. -v=N, -v N and --v=N are the same')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v what was read and from where; as kubectl, -v=6 (or -vv) logs each request (method, URL, status, time), -v=8 (-vvv) adds bodies (cut at 10240 chars), -v=9 (-vvvv) curl-like headers. -v=N, -v N and --v=N are the same')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not check the server''s certificate (insecure: test clusters only)')
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
            [CompletionResult]::new('--request-timeout', '--request-timeout', [CompletionResultType]::ParameterName, 'How long the command may wait for the server (e.g. 5s, 1m); 0, the default as in kubectl: no limit for the command (each request still gives up after 30s of silence; watches are never cut)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to use colors, in output, help and errors (NO_COLOR disables them under `auto`)')
            [CompletionResult]::new('--v', '--v', [CompletionResultType]::ParameterName, 'kubectl''s --v=N (what -v=N and -v N become; see -v)')
            [CompletionResult]::new('-s', '-s', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (works without a kubeconfig)')
            [CompletionResult]::new('--server', '--server', [CompletionResultType]::ParameterName, 'The address and port of the Kubernetes API server (works without a kubeconfig)')
            [CompletionResult]::new('--token', '--token', [CompletionResultType]::ParameterName, 'Bearer token for authentication to the API server')
            [CompletionResult]::new('--as', '--as', [CompletionResultType]::ParameterName, 'Username to impersonate for the operation (a user or a service account)')
            [CompletionResult]::new('--as-group', '--as-group', [CompletionResultType]::ParameterName, 'Group to impersonate for the operation (repeatable)')
            [CompletionResult]::new('--as-uid', '--as-uid', [CompletionResultType]::ParameterName, 'UID to impersonate for the operation')
            [CompletionResult]::new('--cluster', '--cluster', [CompletionResultType]::ParameterName, 'The name of the kubeconfig cluster to use')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The name of the kubeconfig user to use')
            [CompletionResult]::new('--certificate-authority', '--certificate-authority', [CompletionResultType]::ParameterName, 'Path to a cert file for the certificate authority')
            [CompletionResult]::new('--client-certificate', '--client-certificate', [CompletionResultType]::ParameterName, 'Path to a client certificate file for TLS')
            [CompletionResult]::new('--client-key', '--client-key', [CompletionResultType]::ParameterName, 'Path to a client key file for TLS')
            [CompletionResult]::new('--tls-server-name', '--tls-server-name', [CompletionResultType]::ParameterName, 'Server name to use for server certificate validation (else the server''s hostname)')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'More detail on stderr: -v what was read and from where; as kubectl, -v=6 (or -vv) logs each request (method, URL, status, time), -v=8 (-vvv) adds bodies (cut at 10240 chars), -v=9 (-vvvv) curl-like headers. -v=N, -v N and --v=N are the same')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'More detail on stderr: -v what was read and from where; as kubectl, -v=6 (or -vv) logs each request (method, URL, status, time), -v=8 (-vvv) adds bodies (cut at 10240 chars), -v=9 (-vvvv) curl-like headers. -v=N, -v N and --v=N are the same')
            [CompletionResult]::new('--insecure-skip-tls-verify', '--insecure-skip-tls-verify', [CompletionResultType]::ParameterName, 'Do not check the server''s certificate (insecure: test clusters only)')
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
