#!/usr/bin/env bash
# Holds every C file in the tree to .clang-format (kernel style). Prints the
# files that differ and exits 1; `ci/format-check.sh --fix` rewrites them.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# Tracked files and new ones git does not ignore: a file not yet added is
# held to the style before its first commit, not after.
mapfile -t files < <(git ls-files --cached --others --exclude-standard '*.c' '*.h' 2>/dev/null ||
	find . -name '*.[ch]' -not -path './build*' -not -path './.deps/*')
if [ "${1:-}" = "--fix" ]; then
	clang-format -i "${files[@]}"
	exit 0
fi
# One clang-format for all files; its diagnostics name each file that differs.
mapfile -t bad < <(clang-format --dry-run --Werror "${files[@]}" 2>&1 |
	sed -n 's/^\([^:]*\.[ch]\):[0-9]*:[0-9]*: error:.*/\1/p' | sort -u)
if [ ${#bad[@]} -gt 0 ]; then
	echo "ci/format-check.sh: ${#bad[@]} C file(s) not in the kit's style (.clang-format):" >&2
	printf '  %s\n' "${bad[@]}" >&2
	echo "  fix with: ci/format-check.sh --fix" >&2
	exit 1
fi
echo "ci/format-check.sh: ${#files[@]} C files in style"
