# bash completion for ipcbench
#
# The names (commands, transports, patterns, options, wait strategies) come
# from the ipcbench being completed, through its hidden `ipcbench complete
# WHAT`, so they are always the ones that binary accepts. Needs nothing from
# the bash-completion package, which only decides when this file is loaded.

# the names of one list, one a line
_ipcbench_names()
{
    local bin=$1
    # a command word typed as ~/... is not expanded yet
    [[ $bin == "~/"* ]] && bin=$HOME/${bin#"~/"}
    "$bin" complete "$2" 2>/dev/null
}

# COMPREPLY: the words that extend the item after the last comma of cur
_ipcbench_comma_list()
{
    local cur=$1 head="" item=$1 word
    shift
    if [[ $cur == *,* ]]; then
        head=${cur%,*},
        item=${cur##*,}
    fi
    COMPREPLY=()
    for word in "$@"; do
        [[ $word == "$item"* ]] && COMPREPLY+=("$head$word")
    done
}

# COMPREPLY: the words that extend cur
_ipcbench_words()
{
    local cur=$1 word
    shift
    COMPREPLY=()
    for word in "$@"; do
        [[ $word == "$cur"* ]] && COMPREPLY+=("$word")
    done
}

_ipcbench_files()
{
    mapfile -t COMPREPLY < <(compgen "$1" -- "$2")
    # directories get a slash, file names no space, as bash does by itself
    compopt -o filenames 2>/dev/null
}

_ipcbench()
{
    local bin=${COMP_WORDS[0]} cur=${COMP_WORDS[COMP_CWORD]} prev="" cmd="" list=""
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    # --opt=value: bash splits it at the '=' into three words
    if [[ $cur == "=" && $prev == --* ]]; then
        cur=""
    elif [[ $prev == "=" ]] && ((COMP_CWORD > 1)); then
        prev=${COMP_WORDS[COMP_CWORD - 2]}
    fi
    # the command is the first argument or none (the parser looks nowhere else)
    if ((COMP_CWORD > 1)) && [[ ${COMP_WORDS[1]} != -* ]]; then
        cmd=${COMP_WORDS[1]}
    fi
    COMPREPLY=()

    # the values of the options that take a comma-separated list
    case $prev in
        -t | --transport | -p | --pattern | --wait | --notify | --cpu) list=1 ;;
    esac
    case $prev in
        -t | --transport)
            _ipcbench_comma_list "$cur" $(_ipcbench_names "$bin" transports) all
            ;;
        -p | --pattern)
            _ipcbench_comma_list "$cur" $(_ipcbench_names "$bin" patterns) all
            ;;
        --wait | --notify)
            _ipcbench_comma_list "$cur" $(_ipcbench_names "$bin" waits) all
            ;;
        --cpu)
            # A,B: the CPU numbers, or one of the two words
            local cpus=() n cpu
            n=$(getconf _NPROCESSORS_ONLN 2>/dev/null) || n=0
            for ((cpu = 0; cpu < n; cpu++)); do cpus+=("$cpu"); done
            if [[ $cur == *,* ]]; then
                _ipcbench_comma_list "$cur" "${cpus[@]}"
            else
                _ipcbench_comma_list "$cur" same cross "${cpus[@]}"
            fi
            ;;
        --verify)
            _ipcbench_words "$cur" stamps full
            ;;
        --clock)
            _ipcbench_words "$cur" auto monotonic tsc
            ;;
        -o | --output)
            # report writes one page; a run fills a directory
            if [[ $cmd == report ]]; then
                _ipcbench_files -f "$cur"
            else
                _ipcbench_files -d "$cur"
            fi
            ;;
        --csv | --json)
            _ipcbench_files -f "$cur"
            ;;
        -s | --size | -n | --count | -d | --duration | --warmup | --timeout | --pairs | \
            --ring-slots)
            # a number: nothing to offer
            ;;
        *)
            if [[ $cur == -* ]]; then
                _ipcbench_words "$cur" $(_ipcbench_names "$bin" options)
            elif ((COMP_CWORD == 1)); then
                _ipcbench_words "$cur" $(_ipcbench_names "$bin" commands)
            elif [[ $cmd == plot || $cmd == report ]]; then
                _ipcbench_files -d "$cur"
            fi
            ;;
    esac
    # an item of a list may be followed by another, so no space after it
    if [[ -n $list && ${#COMPREPLY[@]} -gt 0 ]]; then
        compopt -o nospace 2>/dev/null
    fi
    return 0
}

complete -F _ipcbench ipcbench
