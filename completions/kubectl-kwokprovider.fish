# fish completion for kubectl-kwokprovider (printed by `kubectl kwokprovider completion fish`).
# It asks the plugin: `kubectl-kwokprovider __complete WORDS...` prints one `value<TAB>description`
# per line, then cobra's directive `:N` (2: no space after, 4: no file names, 16: directories).
function __kubectl_kwokprovider_complete
    set -l tokens (commandline -opc)
    set -l current (commandline -ct)
    set -l program $tokens[1]
    set -e tokens[1]
    set -l out (command $program __complete $tokens $current 2>/dev/null)
    or return
    set -l directive 0
    set -l found 0
    for entry in $out
        if string match -q -- ':*' $entry
            set directive (string sub -s 2 -- $entry)
        else if test -n "$entry"
            echo $entry
            set found 1
        end
    end
    if test $found -eq 0
        if test (math "bitand($directive, 16)") -ne 0
            __fish_complete_directories $current
        else if test (math "bitand($directive, 4)") -eq 0
            __fish_complete_path $current
        end
    end
end
complete -c kubectl-kwokprovider -f -a '(__kubectl_kwokprovider_complete)'
