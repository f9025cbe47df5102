#!/usr/bin/env bash
# The consumer check: builds this project against the deeptensor artifact installed in the local
# Maven repository (run `./deeptensor --mvn -DskipTests install` at the top first) and runs its
# example four ways: on the class path and on the module path, each with and without
# --add-modules jdk.incubator.vector. Each run must complete its tensor accurately (the example
# checks that itself); with the module the Vector API kernels must be chosen, without it the
# scalar ones with exactly one warning from the library. Then fits on two threads at once must
# match a fit alone, and the example quoted in docs/embedding.md must be this project's source,
# character for character.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"

strip() { sed 's/\x1b\[[0-9;]*m//g'; }

# The JDK the launcher finds (Maven reports the one it runs on), and the library's version.
jdk="$(./deeptensor --mvn -v 2>&1 | strip | sed -n 's/.*runtime: //p')"
[ -x "$jdk/bin/java" ] || { echo "consumer: no JDK found by ./deeptensor" >&2; exit 1; }
version="$(grep -m 1 -o '<version>[^<]*</version>' pom.xml | sed 's/<[^>]*>//g')"

example=src/main/java/example/CompleteLowRank.java
# The fenced java block that follows the first line of docs/embedding.md naming the example's path.
quoted="$(awk -v path="native-bench/consumer/$example" '
  index($0, path) && !started { armed = 1; next }
  armed && /^```java/ { started = 1; armed = 0; next }
  started && /^```/ { exit }
  started { print }' "$root/docs/embedding.md")"
if ! diff <(printf '%s\n' "$quoted") "$here/$example" > /dev/null; then
  echo "consumer: the example in docs/embedding.md differs from native-bench/consumer/$example:" >&2
  diff <(printf '%s\n' "$quoted") "$here/$example" >&2 || true
  exit 1
fi

./deeptensor --mvn -B -q -f native-bench/consumer/pom.xml -Ddeeptensor.version="$version" clean package 2>&1 | strip
jar="$here/target/consumer.jar"
lib="$here/target/lib"
[ -s "$jar" ] && [ -s "$lib/deeptensor-$version.jar" ] || { echo "consumer: the build made no $jar or $lib/deeptensor-$version.jar" >&2; exit 1; }

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
failed=0
run() { # name, expected path ("class path" or "module path"), expected kernels ("simd" or "scalar"), java arguments...
  local name="$1" where="$2" kernels="$3" code=0 warnings
  shift 3
  local started=$SECONDS
  "$jdk/bin/java" "$@" > "$out/$name.out" 2> "$out/$name.err" || code=$?
  warnings="$(grep -c 'deeptensor kernels: scalar' "$out/$name.err" || true)"
  local problem=""
  if [ "$code" != 0 ]; then problem="exited $code"
  elif ! grep -q "deeptensor on the $where" "$out/$name.out"; then problem="deeptensor is not on the $where"
  elif [ "$kernels" = simd ] && ! grep -q "deeptensor kernels: panama-" "$out/$name.err"; then problem="the Vector API kernels were not chosen"
  elif [ "$kernels" = simd ] && [ "$warnings" != 0 ]; then problem="a scalar-kernels warning with the Vector API module"
  elif [ "$kernels" = scalar ] && [ "$warnings" != 1 ]; then problem="$warnings scalar-kernels warnings instead of one"
  fi
  echo "consumer [$name] ($((SECONDS - started)) s):"
  sed 's/^/  /' "$out/$name.out"
  if [ -n "$problem" ]; then
    echo "consumer [$name] FAILED: $problem; its standard error:" >&2
    sed 's/^/  /' "$out/$name.err" >&2
    failed=1
  elif [ "$kernels" = scalar ]; then
    echo "  warning on stderr: $(grep -m 1 'deeptensor kernels: scalar' "$out/$name.err")"
  else
    echo "  on stderr: $(grep -m 1 'deeptensor kernels: ' "$out/$name.err")"
  fi
}

vector=(--add-modules jdk.incubator.vector)
run class-path+vector "class path" simd "${vector[@]}" -cp "$jar:$lib/*" example.CompleteLowRank
run class-path "class path" scalar -cp "$jar:$lib/*" example.CompleteLowRank
run module-path+vector "module path" simd "${vector[@]}" -p "$jar:$lib" -m deeptensor.consumer/example.CompleteLowRank
run module-path "module path" scalar -p "$jar:$lib" -m deeptensor.consumer/example.CompleteLowRank

# Fits on several threads at once over shared inputs (what docs/embedding.md promises), once.
started=$SECONDS
if "$jdk/bin/java" "${vector[@]}" -cp "$jar:$lib/*" example.ConcurrentFits > "$out/concurrent.out" 2> "$out/concurrent.err"; then
  echo "consumer [concurrent fits] ($((SECONDS - started)) s):"
  sed 's/^/  /' "$out/concurrent.out"
else
  echo "consumer [concurrent fits] FAILED; its standard error:" >&2
  sed 's/^/  /' "$out/concurrent.err" >&2
  failed=1
fi

if [ "$failed" != 0 ]; then
  echo "consumer: FAILED" >&2
  exit 1
fi
echo "consumer: 4 configurations and the concurrent fits passed"
