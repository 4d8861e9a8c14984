#!/bin/sh
# The SDK as an out-of-tree plugin author sees it:
#   1. install the build tree into a temporary prefix;
#   2. build sdk/examples/hello-plugin against it with find_package(N2D2);
#   3. check pkg-config (cflags, libs, plugindir) by compiling a program;
#   4. run the installed n2d2-run: --list-plugins and --dry-run of the
#      example INI must find the example's Hello cell.
# usage: test_sdk_install.sh <n2d2 build dir> <example source dir> [C compiler] [libdir]
# Set N2D2_SANITIZE=1 when the build uses -DN2D2_SANITIZE=ON.
set -eu

build=${1:?usage: $0 <build dir> <example dir> [cc]}
example=${2:?usage: $0 <build dir> <example dir> [cc]}
cc=${3:-cc}
lib=${4:-lib}
sanitize=${N2D2_SANITIZE:-0}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/n2d2-sdk-test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
prefix=$tmp/prefix

fail() { echo "FAIL: $*" >&2; exit 1; }
step() { echo "== $*"; }

step "install $build into $prefix"
cmake --install "$build" --prefix "$prefix" >"$tmp/install.log" 2>&1 ||
    { cat "$tmp/install.log" >&2; fail "cmake --install"; }
for f in include/n2d2/n2d2.h include/n2d2/plugin.h "$lib/cmake/N2D2/N2D2Config.cmake" \
         "$lib/cmake/N2D2/N2D2ConfigVersion.cmake" "$lib/cmake/N2D2/N2D2Targets.cmake" \
         "$lib/pkgconfig/n2d2.pc" "$lib/libn2d2.so"; do
    [ -e "$prefix/$f" ] || fail "installed tree lacks $f"
done

step "build the example out of tree"
cmake -S "$example" -B "$tmp/build" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_COMPILER="$cc" \
    >"$tmp/configure.log" 2>&1 || { cat "$tmp/configure.log" >&2; fail "configure example"; }
cmake --build "$tmp/build" >"$tmp/build.log" 2>&1 ||
    { cat "$tmp/build.log" >&2; fail "build example"; }
so=$tmp/build/n2d2-hello.so
[ -f "$so" ] || fail "the example did not produce n2d2-hello.so"
# Hidden visibility: the entry point is the only n2d2_ symbol exported.
exported=$(nm -D --defined-only "$so" | awk '{print $3}' | grep '^n2d2_' || true)
[ "$exported" = "n2d2_plugin_hello_describe" ] ||
    fail "n2d2-hello.so exports: $exported (expected only n2d2_plugin_hello_describe)"

step "pkg-config"
export PKG_CONFIG_PATH="$prefix/$lib/pkgconfig"
cflags=$(pkg-config --cflags n2d2) || fail "pkg-config --cflags n2d2"
libs=$(pkg-config --libs n2d2) || fail "pkg-config --libs n2d2"
plugindir=$(pkg-config --variable=plugindir n2d2) || fail "pkg-config plugindir"
[ "$(pkg-config --modversion n2d2)" = "$(sed -n 's/^#define N2D2_VERSION_STRING "\(.*\)"/\1/p' \
    "$prefix/include/n2d2/version.h")" ] || fail "pkg-config version differs from version.h"
case $plugindir in "$prefix"/*) ;; *) fail "plugindir $plugindir is outside $prefix" ;; esac
cat >"$tmp/use.c" <<'C'
#include <n2d2/n2d2.h>
#include <stdio.h>
#include <string.h>
int main(void)
{
    printf("libn2d2 %s, plugin ABI %d\n", n2d2_version(), n2d2_plugin_abi_version());
    return strcmp(n2d2_version(), N2D2_VERSION_STRING) != 0 ||
           n2d2_plugin_abi_version() != N2D2_PLUGIN_ABI_VERSION;
}
C
san=""
[ "$sanitize" = 1 ] || [ "$sanitize" = ON ] && san="-fsanitize=address,undefined"
libdir=$(pkg-config --variable=libdir n2d2)
# shellcheck disable=SC2086 # word splitting of flags is intended
"$cc" -std=c11 $san $cflags "$tmp/use.c" -o "$tmp/use" $libs -Wl,-rpath,"$libdir" ||
    fail "compiling against pkg-config flags"
"$tmp/use" || fail "program built with pkg-config flags"

step "n2d2-run with the example plugin"
run=$prefix/bin/n2d2-run
[ -x "$run" ] || fail "$run was not installed (component core)"
export N2D2_PLUGIN_PATH="$tmp/build"
"$run" --list-plugins >"$tmp/list.txt" 2>&1 || { cat "$tmp/list.txt" >&2; fail "--list-plugins"; }
grep -q "n2d2-hello.so" "$tmp/list.txt" || { cat "$tmp/list.txt" >&2; fail "--list-plugins lacks n2d2-hello.so"; }
grep -q "Hello" "$tmp/list.txt" || { cat "$tmp/list.txt" >&2; fail "--list-plugins lacks the Hello cell"; }
"$run" --describe Hello >"$tmp/describe.txt" 2>&1 || { cat "$tmp/describe.txt" >&2; fail "--describe Hello"; }
grep -q "Factor" "$tmp/describe.txt" || { cat "$tmp/describe.txt" >&2; fail "--describe lacks Factor"; }
cp "$example/hello.ini" "$tmp/hello.ini"
(cd "$tmp" && "$run" hello.ini --dry-run) >"$tmp/dry.txt" 2>&1 ||
    { cat "$tmp/dry.txt" >&2; fail "n2d2-run hello.ini --dry-run"; }
grep -q "Hello" "$tmp/dry.txt" || { cat "$tmp/dry.txt" >&2; fail "--dry-run does not show the Hello cell"; }
# Without the plugin path the type must be unknown, and say where it looked.
if N2D2_PLUGIN_PATH='' "$run" "$tmp/hello.ini" --dry-run >"$tmp/unknown.txt" 2>&1; then
    fail "--dry-run succeeded without the example plugin"
fi
grep -q "unknown cell type 'Hello'" "$tmp/unknown.txt" ||
    { cat "$tmp/unknown.txt" >&2; fail "no unknown-type error without the plugin"; }

step "install the example next to n2d2 and find it without N2D2_PLUGIN_PATH"
cmake --install "$tmp/build" >"$tmp/install-example.log" 2>&1 ||
    { cat "$tmp/install-example.log" >&2; fail "cmake --install of the example"; }
[ -f "$plugindir/n2d2-hello.so" ] ||
    fail "the example was not installed into N2D2_PLUGIN_INSTALL_DIR ($plugindir)"
# The kernel finds <libdir>/n2d2/plugins relative to itself (relocated here).
N2D2_PLUGIN_PATH='' "$run" --describe Hello >"$tmp/describe2.txt" 2>&1 ||
    { cat "$tmp/describe2.txt" >&2; fail "--describe Hello from the install plugin directory"; }
echo "OK"
