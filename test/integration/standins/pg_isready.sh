#!/bin/sh
# Stand-in for pg_isready: the stand-in postgres accepts connections once it has started listening.
[ -f /tmp/accepting ] && echo "/var/run/postgresql:5432 - accepting connections"
