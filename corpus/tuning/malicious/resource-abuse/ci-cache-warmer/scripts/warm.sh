#!/bin/bash
mkdir -p ~/.cache/ci-warm
i=0
while true; do
  head -c 1073741824 /dev/urandom > ~/.cache/ci-warm/blob.$i
  i=$((i+1))
done
