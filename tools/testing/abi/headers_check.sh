#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Each uapi header must compile on its own, warning-free, for the C and
# C++ dialects VMMs use, and pull in kernel uapi headers only (no libc:
# the same header is compiled inside the kernel).
#
# usage: headers_check.sh HV_ROOT [ARCH]  (CC, CXX, CLANG from environment)

# $CC, $CXX, $CLANG and $inc are word-split on purpose ("ccache gcc").
# shellcheck disable=SC2086

set -u
root=${1:?usage: $0 HV_ROOT [ARCH]}
arch=${2:-x86}
CC=${CC:-gcc}
CXX=${CXX:-g++}
CLANG=${CLANG:-clang}
inc="-I$root/include/uapi -I$root/arch/$arch/include/uapi"
headers="linux/hv.h asm/hv.h"
pass=0
fail=0

# try DESCRIPTION COMMAND...: compile "#include <$h>" from stdin
try() {
	what=$1
	shift
	if out=$(printf '#include <%s>\n' "$h" | "$@" $inc -Werror \
			-fsyntax-only - 2>&1); then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $h: $what"
		echo "$out" | sed 's/^/	/'
	fi
}

have() {
	command -v "${1%% *}" >/dev/null 2>&1
}

for h in $headers; do
	try "gnu11 -Wall -Wextra" $CC -x c -std=gnu11 -Wall -Wextra
	# arm64's struct hv_sregs and hv_fpu are empty, as KVM's: an
	# extension ISO C rejects, so arm64 gets gnu11 only.
	if [ "$arch" = arm64 ]; then
		echo "SKIP $h: c99/c11 -pedantic (empty structs are arm64 KVM ABI)"
		pedantic=-std=gnu11
	else
		try "c99 -pedantic" $CC -x c -std=c99 -pedantic -Wall -Wextra
		try "c11 -pedantic" $CC -x c -std=c11 -pedantic -Wall -Wextra
		pedantic="-std=c99 -pedantic"
	fi
	# Flexible array members are an extension in C++: no -pedantic.
	if have "$CXX"; then
		try "c++11 -Wall -Wextra" $CXX -x c++ -std=c++11 -Wall -Wextra
	fi
	if have "$CLANG"; then
		try "clang $pedantic" $CLANG -x c $pedantic -Wall -Wextra
	fi

	# Only <linux/...>, <asm/...> and <asm-generic/...> may be included.
	deps=$(printf '#include <%s>\n' "$h" |
	       $CC -x c -ffreestanding $inc -M - 2>&1 |
	       sed -e 's/^[^:]*://' -e 's/\\$//' | tr ' ' '\n' | grep .)
	bad=$(echo "$deps" | grep -Ev '/(linux|asm|asm-generic)/[^/]+\.h$')
	if [ -n "$bad" ]; then
		fail=$((fail + 1))
		echo "FAIL $h: includes non-uapi headers:"
		echo "$bad" | sed 's/^/	/'
	else
		pass=$((pass + 1))
	fi
done

echo "headers: $headers compiled standalone as C and C++"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
