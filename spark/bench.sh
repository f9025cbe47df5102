#!/usr/bin/env bash
# Runs one measurement of docs/spark.md in its own JVM (see deeptensor.spark.Bench):
#   spark/bench.sh HEAP THREADS ARGS…     e.g. spark/bench.sh 8g 1 --mode spark --entries 1e7 --csv spark/bench.csv
# after: ./deeptensor --mvn -q -Dmaven.test.skip=true install (the library), then
#        ./deeptensor --mvn -q -f spark/pom.xml -DskipTests package dependency:build-classpath \
#            -Dmdep.outputFile=target/cp.txt -Dmdep.includeScope=test
# HEAP is the JVM's -Xmx (driver and, in local mode, executors); THREADS is -Ddeeptensor.threads.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
java="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java"
heap="$1"; threads="$2"; shift 2
lib="$here/target/bench"
cp="$here/target/classes:$(cat "$lib/cp.txt")"
exec "$java" --add-modules jdk.incubator.vector -XX:+IgnoreUnrecognizedVMOptions \
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED \
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED \
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED \
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED \
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED \
  --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED \
  -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true --enable-native-access=ALL-UNNAMED \
  -Xmx"$heap" -Ddeeptensor.threads="$threads" -Dspark.master=local[2] -Dspark.driver.memory="$heap" \
  -Dlog4j2.level=warn -cp "$cp" deeptensor.spark.Main bench "$@"
