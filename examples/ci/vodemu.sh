# Source this from the root of a clone of this repository (bash): it starts the VOD emulator for
# the rest of the shell, waits until it listens, exports ALIBABA_CLOUD_ENDPOINT_VOD, and stops it
# when the shell exits. It reads VODEMU_DATA (the images file), VODEMU_ACCESS_KEY_ID and
# VODEMU_ACCESS_KEY_SECRET (the credentials it accepts: give the provider the same), and
# VODEMU_BIN (optional: a vodemu already built). Without VODEMU_BIN it uses the one `make demo`
# built (.build/bin/vodemu) unless the emulator's sources are newer, and otherwise says that it
# builds one. Tested by internal/vodemu/cmd/vodemu; README.md, docs/index.md and
# examples/demo/run.sh use it as it is.
vodemu_dir=$(mktemp -d)
vodemu_bin=${VODEMU_BIN:-$PWD/.build/bin/vodemu}
if [[ -z ${VODEMU_BIN:-} && ( ! -x $vodemu_bin || -n $(find internal/vodemu -name '*.go' ! -name '*_test.go' -newer "$vodemu_bin") ) ]]; then
  vodemu_bin=$vodemu_dir/vodemu
  echo "vodemu.sh: building the emulator (typically 1-3 min the first time, then seconds; make demo's build or VODEMU_BIN skips this)" >&2
  go build -o "$vodemu_bin" ./internal/vodemu/cmd/vodemu || return 1
fi
"$vodemu_bin" -data "$VODEMU_DATA" -access-key-id "$VODEMU_ACCESS_KEY_ID" >"$vodemu_dir/out" 2>"$vodemu_dir/log" &
vodemu_pid=$!
stop_vodemu() { kill "$vodemu_pid" 2>/dev/null && wait "$vodemu_pid" || true; rm -rf "$vodemu_dir"; }
trap stop_vodemu EXIT
until grep -qs '^endpoint=' "$vodemu_dir/out"; do # it prints this line once it listens
  kill -0 "$vodemu_pid" 2>/dev/null || { cat "$vodemu_dir/log" >&2; return 1; }
  sleep 0.1
done
export ALIBABA_CLOUD_ENDPOINT_VOD=$(sed -n 's/^endpoint=//p' "$vodemu_dir/out")
