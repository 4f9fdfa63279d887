# bash completion for kubectl-kwokprovider (printed by `kubectl kwokprovider completion bash`).
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
