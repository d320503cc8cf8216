#!/usr/bin/env bash
# Tries the README as a new user would, on a brand-new Debian 12: makes a minbase bookworm
# chroot with debootstrap (plus git), clones this repository's committed HEAD and a copy of
# ../shared into it, runs the README's two commands there (scripts/quickstart.sh, then
# scripts/test.sh) and prints each one's exit status, time and closing lines.
#
#   scripts/fresh-check.sh [--keep] [--dir DIR] [--no-security]
#
# Needs root (debootstrap, chroot, mount); installs debootstrap if it is missing. The chroot
# goes in DIR (default: a new directory under /var/tmp) and is deleted afterwards unless --keep
# is given. Whatever the script mounted is unmounted on every exit, an interrupt included, and
# the chroot is deleted only once nothing is mounted inside it (and never across file systems).
# Full logs: DIR/quickstart.log and DIR/test.log (kept beside the chroot, see --keep).
# --no-security leaves the bookworm-security suite out of the chroot's apt sources: for a mirror
# whose security index is broken for one architecture (then Multi-Arch: same packages such as
# zlib1g have no foreign version matching the native one); the check then runs on bookworm and
# bookworm-updates alone, and its summary says so.
# Exits 0 when both commands exit 0.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
shared=$(cd .. && pwd)/shared

keep=0
root=
no_security=0
while [ $# -gt 0 ]; do
  case $1 in
    --keep) keep=1 ;;
    --dir) root=$2; shift ;;
    --no-security) no_security=1 ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "fresh-check: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done

[ "$(id -u)" -eq 0 ] || { echo "fresh-check: needs root (debootstrap, chroot, mount)" >&2; exit 2; }
[ -d "$shared" ] || { echo "fresh-check: no $shared beside the checkout" >&2; exit 2; }
if ! command -v debootstrap >/dev/null 2>&1; then
  echo "fresh-check: installing debootstrap"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap \
    >/tmp/fresh-check-apt.log 2>&1 || { cat /tmp/fresh-check-apt.log >&2; exit 1; }
fi

# The mirror this machine's own apt uses for bookworm, so the chroot sees the same archive.
sources=/etc/apt/sources.list.d/debian.sources
mirror=$(awk '/^URIs:/ { print $2; exit }' "$sources" 2>/dev/null || true)
[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $3 ~ /^bookworm$/ { print $2; exit }' \
  /etc/apt/sources.list 2>/dev/null || true)
[ -n "$mirror" ] || { echo "fresh-check: no bookworm mirror in this machine's apt sources" >&2; exit 2; }

if [ -z "$root" ]; then
  root=$(mktemp -d /var/tmp/wasmscope-fresh.XXXXXX)
else
  mkdir -p "$root"
fi
root=$(cd "$root" && pwd)
chroot_dir=$root/chroot
mounted=()

# Unmounts, innermost first, everything this script mounted; then checks that nothing at all
# is mounted below the chroot before anything may delete it.
unmount_all() {
  local i
  for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
    umount "${mounted[$i]}" 2>/dev/null || umount -l "${mounted[$i]}" 2>/dev/null || true
  done
  mounted=()
}
still_mounted() {
  awk -v r="$chroot_dir" '$2 == r || index($2, r "/") == 1 { print $2 }' /proc/self/mounts
}
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  unmount_all
  local left
  left=$(still_mounted)
  if [ -n "$left" ]; then
    echo "fresh-check: still mounted, the chroot is kept at $chroot_dir:" >&2
    echo "$left" >&2
  elif [ "$keep" -eq 0 ] && [ -d "$chroot_dir" ]; then
    rm -rf --one-file-system "$chroot_dir"
    echo "fresh-check: removed the chroot; logs are in $root"
  else
    echo "fresh-check: chroot kept at $chroot_dir"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'echo "fresh-check: interrupted" >&2; exit 130' INT TERM

mount_in() {  # mount_in TARGET MOUNT-ARGS...: mounts inside the chroot and remembers it.
  local target=$chroot_dir/$1
  shift
  mkdir -p "$target"
  mount "$@" "$target"
  mounted+=("$target")
}

echo "fresh-check: debootstrap bookworm (minbase + git, ca-certificates) into $chroot_dir"
start=$(date +%s)
if ! debootstrap --variant=minbase --include=git,ca-certificates bookworm "$chroot_dir" \
    "$mirror" >"$root/debootstrap.log" 2>&1; then
  tail -n 30 "$root/debootstrap.log" >&2
  echo "fresh-check: debootstrap FAILED (log: $root/debootstrap.log)" >&2
  exit 1
fi
echo "fresh-check: debootstrap took $(($(date +%s) - start)) s"
# The same archive suites (updates, security) as this machine, nothing else.
if [ -f "$sources" ]; then
  if [ "$no_security" -eq 1 ]; then
    # deb822 stanzas are separated by blank lines: keep those that do not name a security suite.
    awk -v RS= -v ORS='\n\n' '!/Suites:[^\n]*-security/' "$sources" \
      >"$chroot_dir/etc/apt/sources.list.d/debian.sources"
  else
    cp "$sources" "$chroot_dir/etc/apt/sources.list.d/debian.sources"
  fi
  : >"$chroot_dir/etc/apt/sources.list"
fi
if [ "$no_security" -eq 1 ]; then
  echo "fresh-check: --no-security: the chroot's apt sources are:"
  grep -E '^(URIs|Suites):' "$chroot_dir/etc/apt/sources.list.d/debian.sources" | sed 's/^/    /'
fi
cp /etc/resolv.conf "$chroot_dir/etc/resolv.conf" 2>/dev/null || true
# The network's own trust anchors: where egress goes through a TLS-inspecting proxy, the
# machine has its CA installed (and NODE_EXTRA_CA_CERTS set, since node ignores the system
# store); that is the machine's setup, not the project's, and a new machine on this network
# has it too. Without it `npm ci` fails with "self-signed certificate in certificate chain".
node_ca_env=()
if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
  mkdir -p "$chroot_dir/usr/local/share/ca-certificates"
  cp /usr/local/share/ca-certificates/*.crt "$chroot_dir/usr/local/share/ca-certificates/"
  chroot "$chroot_dir" update-ca-certificates >"$root/ca.log" 2>&1 ||
    echo "fresh-check: update-ca-certificates failed (log: $root/ca.log)" >&2
  if [ -n "${NODE_EXTRA_CA_CERTS:-}" ]; then
    node_ca_env=(NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt)
  fi
fi

mount_in proc -t proc proc
mount_in sys -t sysfs sysfs
mount_in dev --bind /dev
mount_in dev/pts --bind /dev/pts
mount_in dev/shm -t tmpfs tmpfs

commit=$(git -C "$repo" rev-parse HEAD)
echo "fresh-check: cloning $repo at $commit (committed work only) and copying $shared"
git clone -q "$repo" "$chroot_dir/src/main"
git -C "$chroot_dir/src/main" checkout -q "$commit"
cp -a "$shared" "$chroot_dir/src/shared"

# run_step NAME COMMAND: runs COMMAND in the chroot's checkout with a clean environment, logs
# it to $root/NAME.log, and prints its exit status, time and closing lines.
results=()
run_step() {
  local name=$1 command=$2 status=0 t0 t1
  echo "fresh-check: running '$command' in the chroot (log: $root/$name.log)"
  t0=$(date +%s)
  chroot "$chroot_dir" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
    PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin ${node_ca_env[@]+"${node_ca_env[@]}"} \
    bash -c "cd /src/main && $command" </dev/null >"$root/$name.log" 2>&1 || status=$?
  t1=$(date +%s)
  echo "---- $command: exit $status, $((t1 - t0)) s; its last lines:"
  tail -n 6 "$root/$name.log" | sed 's/^/    /'
  results+=("$command: exit $status, $((t1 - t0)) s")
  return "$status"
}

overall=0
run_step quickstart scripts/quickstart.sh || overall=1
run_step test scripts/test.sh || overall=1

echo
suites=""
[ "$no_security" -eq 1 ] && suites=", without bookworm-security"
echo "fresh-check summary (Debian $(cat "$chroot_dir/etc/debian_version"), commit ${commit:0:12}$suites):"
for r in "${results[@]}"; do echo "  $r"; done
if [ "$overall" -eq 0 ]; then echo "fresh-check: PASSED"; else echo "fresh-check: FAILED"; fi
exit "$overall"
