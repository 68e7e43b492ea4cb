#!/usr/bin/env bash
# Runs the demo: starts the VOD emulator with the demo images, then plans and applies main.tf with
# the locally built provider through dev_overrides (no init, no network), and prints the images.
# Usage: run.sh PROVIDER_BINARY EMULATOR_BINARY TERRAFORM_BINARY   (`make demo` passes all three)
set -euo pipefail

provider_bin=$1 emulator_bin=$2 terraform=$3
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
emu_pid=

cleanup() {
  if [[ -n $emu_pid ]] && kill -0 "$emu_pid" 2>/dev/null; then
    kill -TERM "$emu_pid" && wait "$emu_pid" || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# Demo credentials: the emulator accepts exactly these. They are not secrets of any real account.
access_key=LTAI5tDemoAccessKey0001
export VODEMU_ACCESS_KEY_SECRET=demo-secret-for-the-bundled-emulator

"$emulator_bin" -data "$here/images.json" -access-key-id "$access_key" \
  >"$work/emulator.out" 2>"$work/emulator.log" &
emu_pid=$!

endpoint=
for _ in $(seq 100); do
  endpoint=$(sed -n 's/^endpoint=//p' "$work/emulator.out")
  [[ -n $endpoint ]] && break
  kill -0 "$emu_pid" 2>/dev/null || { cat "$work/emulator.log" >&2; echo "demo: the emulator exited" >&2; exit 1; }
  sleep 0.1
done
[[ -n $endpoint ]] || { echo "demo: the emulator did not start within 10 s" >&2; exit 1; }
echo "VOD emulator listening at $endpoint"

provider_dir=$(cd "$(dirname "$provider_bin")" && pwd)
cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "registry.terraform.io/vodtf/vod" = "$provider_dir"
    "registry.opentofu.org/vodtf/vod" = "$provider_dir"
  }
  direct {}
}
RC
mkdir "$work/config"
cp "$here/main.tf" "$work/config/"

export TF_CLI_CONFIG_FILE=$work/terraformrc CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
export ALIBABA_CLOUD_ECS_METADATA_DISABLED=true
export ALIBABA_CLOUD_ACCESS_KEY_ID=$access_key
export ALIBABA_CLOUD_ACCESS_KEY_SECRET=$VODEMU_ACCESS_KEY_SECRET
export ALIBABA_CLOUD_REGION=cn-shanghai
export ALIBABA_CLOUD_ENDPOINT_VOD=$endpoint
unset ALIBABA_CLOUD_SECURITY_TOKEN ALICLOUD_SECURITY_TOKEN

cd "$work/config"
echo "== $("$terraform" version | sed -n 1p): plan"
"$terraform" plan -input=false -no-color -out=demo.tfplan
echo "== apply"
"$terraform" apply -input=false -no-color demo.tfplan

"$terraform" output -no-color -json images >"$work/images.json"

count=$(grep -oE '"url": ?"https?://' "$work/images.json" | wc -l)
[[ $count -eq 3 ]] || { echo "demo: expected 3 image URLs, got $count" >&2; exit 1; }
recent=$("$terraform" output -no-color -json recent)
want='{"titles":["Product walkthrough frame","Spring campaign cover"],"total":2}'
[[ $recent == "$want" ]] || { echo "demo: vod_images found $recent, want $want" >&2; exit 1; }
echo "== emulator statistics: $(curl -fsS "$endpoint/_emulator/stats" 2>/dev/null || echo unavailable)"
echo "demo: OK, read 3 images by ID and found the 2 of 2024 by search"
