#!/bin/sh
# Entry point of the modehop image. exec replaces the shell, so the JVM is PID 1 and gets SIGTERM itself
# and its shutdown hook (GracefulShutdown) runs.
# shellcheck disable=SC2086  # JAVA_OPTS is a list of words on purpose
exec java $JAVA_OPTS -jar /opt/modehop/modehop.jar "$@"
