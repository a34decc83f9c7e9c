# shellcheck shell=bash
# Building pinned tools from Go modules, shared by e2e/testenv/testenv.sh and e2e/argocd/argocd.sh (source it).
#
# The caller defines: TOOLS_DIR (where the binaries go, with their stamps in $TOOLS_DIR/.stamps), GOBIN_ (the go
# command, from go_cmd), NICE (nice level of the compiler), and the functions log and die.

secs() { date +%s; }

# The Go toolchain: $GO, else go on PATH. go_cmd <what needs it>
go_cmd() {
  if [[ -n "${GO:-}" ]]; then
    command -v "$GO" >/dev/null 2>&1 || die "GO=$GO is not an executable Go toolchain"
    echo "$GO"
  elif command -v go >/dev/null 2>&1; then command -v go
  else die "no Go toolchain: $1 (https://go.dev/dl/); put its bin folder on PATH or set GO to the go binary"; fi
}

# Content key of a build: version + hash of the module files (+ sources).
build_key() { # build_key <version> <files...>
  local v="$1"; shift
  echo "$v $(cat "$@" | sha256sum | cut -c1-16)"
}

is_built() { # is_built <name> <key>
  [[ -x "$TOOLS_DIR/$1" && -f "$TOOLS_DIR/.stamps/$1" && "$(cat "$TOOLS_DIR/.stamps/$1")" == "$2" ]]
}

# Module metadata from the Go module cache, for version ldflags.
mod_time() { # mod_time <module dir> <module path>
  (cd "$1" && "$GOBIN_" list -m -f '{{if .Time}}{{.Time.UTC.Format "2006-01-02T15:04:05Z"}}{{end}}' "$2" 2>/dev/null) || true
}
mod_commit() { # mod_commit <module dir> <module path> <version>: VCS hash if the proxy recorded one
  local info
  info="$(cd "$1" && "$GOBIN_" env GOMODCACHE)/cache/download/$2/@v/$3.info"
  [[ -f "$info" ]] && sed -n 's/.*"Hash":"\([0-9a-f]*\)".*/\1/p' "$info" || true
}

# go_build <name> <module dir> <package> <version> <key> <ldflags> <first-time note>
go_build() {
  local name="$1" dir="$2" pkg="$3" version="$4" key="$5" ldflags="$6" note="$7"
  local t0 t1 t2 hb
  mkdir -p "$TOOLS_DIR/.stamps"
  log "building $name $version ($note)..."
  t0=$(secs)
  # 1. download the modules the package needs (go build would do it too; separate for timing)
  local dl="$TOOLS_DIR/.$name.download.log"
  if ! (cd "$dir" && "$GOBIN_" list -deps "$pkg" >/dev/null 2>"$dl"); then
    cat "$dl" >&2; die "module download for $name failed"
  fi
  t1=$(secs)
  log "  $name: modules ready in $((t1 - t0))s ($(grep -c 'downloading' "$dl" || true) downloaded); compiling..."
  # heartbeat so CI logs show progress during long compiles
  ( while sleep 60; do log "  ... still compiling $name ($(( $(secs) - t1 ))s)"; done ) &
  hb=$!
  if ! (cd "$dir" && CGO_ENABLED=0 nice -n "$NICE" "$GOBIN_" build -trimpath -buildvcs=false \
          -ldflags "$ldflags" -o "$TOOLS_DIR/.$name.tmp" "$pkg"); then
    kill "$hb" 2>/dev/null || true; wait "$hb" 2>/dev/null || true
    die "building $name failed"
  fi
  kill "$hb" 2>/dev/null || true; wait "$hb" 2>/dev/null || true
  mv -f "$TOOLS_DIR/.$name.tmp" "$TOOLS_DIR/$name"
  echo "$key" > "$TOOLS_DIR/.stamps/$name"
  t2=$(secs)
  log "  $name: compiled in $((t2 - t1))s (total $((t2 - t0))s), $(du -m "$TOOLS_DIR/$name" | cut -f1) MB"
}
