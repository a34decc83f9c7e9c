# shellcheck shell=bash
# Sourced. ensure_debian_packages <purpose> <probe>=<package>...
#
# A probe is a command name (looked up on PATH) or an absolute path (must exist). Missing packages are installed
# with apt-get when running as root; otherwise the function fails with a message naming every missing package
# and the command that installs them. Every tool the project's scripts need from Debian comes through here, so
# that a fresh machine (CI runs as root) gets them and a developer machine gets told what is missing.
ensure_debian_packages() {
  local purpose="$1"; shift
  local pair probe pkg missing=()
  for pair in "$@"; do
    probe="${pair%%=*}"; pkg="${pair#*=}"
    if [[ "$probe" == /* ]]; then
      [[ -e "$probe" ]] && continue
    else
      command -v "$probe" >/dev/null 2>&1 && continue
    fi
    [[ " ${missing[*]} " == *" $pkg "* ]] || missing+=("$pkg")
  done
  (( ${#missing[@]} == 0 )) && return 0
  if [[ $EUID -ne 0 ]]; then
    echo "ERROR: $purpose needs the Debian package(s): ${missing[*]}." >&2
    echo "       Run this as root (it installs them with apt-get), or install them first:" >&2
    echo "       sudo apt-get install --no-install-recommends ${missing[*]}" >&2
    return 1
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "ERROR: $purpose needs the Debian package(s) ${missing[*]}, and this machine has no apt-get:" >&2
    echo "       install the equivalent packages of your distribution" >&2
    return 1
  fi
  echo "installing Debian package(s) for $purpose: ${missing[*]}" >&2
  # the lock timeout: other builds on the machine may be installing packages at the same time
  apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 || return 1
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends \
    "${missing[@]}" >&2 || { echo "ERROR: apt-get install ${missing[*]} failed" >&2; return 1; }
}
