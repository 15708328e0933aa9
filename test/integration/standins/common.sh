#!/bin/sh
# Shared by the stand-ins: the value of --config=… among the arguments, else the default.
config_arg() {
  default=$1; shift
  for arg in "$@"; do case "$arg" in --config=*) echo "${arg#--config=}"; return;; esac; done
  echo "$default"
}
fail() { echo "stand-in $NAME: $*" >&2; exit 1; }
