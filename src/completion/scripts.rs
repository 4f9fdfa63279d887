//! The bash, zsh and fish completion scripts: thin shells over `kubectl-kwokprovider __complete`.
//!
//! Each script hands the words before the cursor (the partial word last) to the binary, exactly
//! as kubectl's plugin completion does through `kubectl_complete-kwokprovider`, and turns the
//! answer (`value<TAB>description` lines, then cobra's directive `:N`) into the shell's own
//! candidates. So one planner (`super::plan`) answers every shell, and it knows what clap's
//! static scripts could not: flag values, node groups from the cluster, and a binary name with a
//! hyphen (clap_complete's bash script lost track after the first word and offered files).

/// bash: reads the line up to the cursor itself (bash splits words at `=` and `:`), and replaces
/// only the part of the word after bash's last break.
pub const BASH: &str = r#"# bash completion for kubectl-kwokprovider (printed by `kubectl kwokprovider completion bash`).
# It asks the plugin: `kubectl-kwokprovider __complete WORDS...` prints one `value<TAB>description`
# per line, then cobra's directive `:N` (2: no space after, 4: no file names, 16: directories).
__kubectl_kwokprovider_complete() {
    local line="${COMP_LINE:0:COMP_POINT}" cur="${COMP_WORDS[COMP_CWORD]}"
    local -a words
    read -r -a words <<< "$line"
    if [[ ${#words[@]} -eq 0 || $line == *[[:space:]] ]]; then
        words+=("")
    fi
    local partial="${words[${#words[@]}-1]}"
    # bash's word is what follows its last break (`--output=js` is `--output` `=` `js`).
    [[ $cur == "=" || $cur == ":" ]] && cur=""
    local before="${partial%"$cur"}"
    local out
    out="$(command "${words[0]}" __complete "${words[@]:1}" 2>/dev/null)" || return 0
    local directive=0 entry value
    COMPREPLY=()
    while IFS= read -r entry; do
        case "$entry" in
            :*) directive="${entry#:}" ;;
            "") ;;
            *)
                value="${entry%%$'\t'*}"
                [[ $value == "$before"* ]] && COMPREPLY+=("${value#"$before"}")
                ;;
        esac
    done <<< "$out"
    if (( directive & 2 )); then
        compopt -o nospace 2>/dev/null
    fi
    if (( ${#COMPREPLY[@]} == 0 )); then
        if (( directive & 16 )); then
            compopt -o dirnames 2>/dev/null
        elif (( (directive & 4) == 0 )); then
            compopt -o default 2>/dev/null
        fi
    fi
    return 0
}
complete -F __kubectl_kwokprovider_complete kubectl-kwokprovider
"#;

/// zsh: `words` already holds whole words; candidates carry their descriptions.
pub const ZSH: &str = r#"#compdef kubectl-kwokprovider
# zsh completion for kubectl-kwokprovider (printed by `kubectl kwokprovider completion zsh`).
# It asks the plugin: `kubectl-kwokprovider __complete WORDS...` prints one `value<TAB>description`
# per line, then cobra's directive `:N` (2: no space after, 4: no file names, 16: directories).
_kubectl-kwokprovider() {
    local out entry value description directive=0
    local -a candidates options
    out="$(command ${words[1]} __complete "${(@)words[2,CURRENT]}" 2>/dev/null)" || return 1
    for entry in "${(@f)out}"; do
        case $entry in
            :*) directive=${entry#:} ;;
            "") ;;
            *)
                value=${entry%%$'\t'*}
                description=""
                [[ $entry == *$'\t'* ]] && description=${entry#*$'\t'}
                value=${value//:/\\:}
                if [[ -n $description ]]; then
                    candidates+=("$value:$description")
                else
                    candidates+=("$value")
                fi
                ;;
        esac
    done
    if (( ${#candidates} )); then
        (( directive & 2 )) && options+=(-S '')
        _describe -t values 'kubectl-kwokprovider' candidates "${options[@]}"
        return
    fi
    if (( directive & 16 )); then
        _files -/
    elif (( (directive & 4) == 0 )); then
        _files
    else
        return 1
    fi
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then
    _kubectl-kwokprovider "$@"
else
    compdef _kubectl-kwokprovider kubectl-kwokprovider
fi
"#;

/// fish: `commandline` gives the finished tokens and the current one; fish reads
/// `value<TAB>description` itself.
pub const FISH: &str = r#"# fish completion for kubectl-kwokprovider (printed by `kubectl kwokprovider completion fish`).
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
"#;
