#!/usr/bin/env bash
# Runs the demo: starts the VOD emulator with the demo images (examples/ci/vodemu.sh, the recipe
# README.md gives for your own CI), then plans and applies main.tf with the locally built provider
# through dev_overrides (no init, no network), and prints what the configuration read.
# Usage: run.sh CLI_CONFIG EMULATOR_BINARY TERRAFORM_BINARY   (`make demo` passes all three;
# CLI_CONFIG is the dev_overrides file `go run ./internal/devoverrides/cmd/devoverrides` writes)
set -euo pipefail

cli_config=$(cd "$(dirname "$1")" && pwd)/$(basename "$1") emulator_bin=$2 terraform=$3
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d)

# Demo credentials: the emulator accepts exactly these. They are not secrets of any real account.
export VODEMU_DATA=$here/images.json VODEMU_BIN=$emulator_bin
export VODEMU_ACCESS_KEY_ID=LTAI5tDemoAccessKey0001 VODEMU_ACCESS_KEY_SECRET=demo-secret-for-the-bundled-emulator
cd "$root"
# shellcheck source=../ci/vodemu.sh
source examples/ci/vodemu.sh
trap 'stop_vodemu; rm -rf "$work"' EXIT

export TF_CLI_CONFIG_FILE=$cli_config CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
export ALIBABA_CLOUD_ECS_METADATA_DISABLED=true
export ALIBABA_CLOUD_ACCESS_KEY_ID=$VODEMU_ACCESS_KEY_ID ALIBABA_CLOUD_ACCESS_KEY_SECRET=$VODEMU_ACCESS_KEY_SECRET
export ALIBABA_CLOUD_REGION=cn-shanghai
unset ALIBABA_CLOUD_SECURITY_TOKEN ALICLOUD_SECURITY_TOKEN
mkdir "$work/config"
cp "$here"/*.tf "$work/config/"
cd "$work/config"

cli=$("$terraform" version | sed -n 1p)
provider_dir=$(sed -n 's/^ *"registry\.[a-z.]*\/vodtf\/vod" = "\(.*\)"$/\1/p' "$cli_config" | sed -n 1p)
echo "VOD emulator:  $ALIBABA_CLOUD_ENDPOINT_VOD, serving examples/demo/images.json"
echo "CLI:           $cli ($terraform)"
echo "Provider:      $provider_dir/terraform-provider-vod, through dev_overrides (no init)"

# The CLI's own output goes to a log, shown only if a step fails: it repeats the dev_overrides
# warning at every command, which this demo has just explained once.
run() {
  if ! "$terraform" "$1" -input=false -no-color "${@:2}" >>"$work/terraform.log" 2>&1; then
    cat "$work/terraform.log" >&2
    echo "demo: terraform $1 failed (its output is above)" >&2
    exit 1
  fi
}
run plan -out=demo.tfplan
run apply demo.tfplan
echo "Plan and apply: OK"
echo

"$terraform" output -no-color -json images >"$work/images.json"
count=$(grep -oE '"url": ?"https?://' "$work/images.json" | wc -l)
[[ $count -eq 3 ]] || { echo "demo: expected 3 image URLs, got $count" >&2; exit 1; }
recent=$("$terraform" output -no-color -json recent)
want='{"titles":["Product walkthrough frame","Spring campaign cover"],"total":2}'
[[ $recent == "$want" ]] || { echo "demo: vod_images found $recent, want $want" >&2; exit 1; }

echo "What the configuration read (terraform output):"
"$terraform" output -no-color | sed 's/^/  /'
cat <<'TEXT'

Why one URL is a CDN URL and two are OSS URLs: main.tf leaves output_type unset, so each image
gets a CDN URL when it has a CDN domain, else an OSS URL. The cover is served from the CDN domain
img.vod-demo.example.com, so its URL is a signed CDN URL (auth_key=...); the snapshot and the logo
are stored in OSS only, so theirs are signed OSS URLs (OSSAccessKeyId, Expires, Signature), valid
for auth_timeout = 3600 seconds (a CDN URL also gets the CDN domain's own validity on top). The
search (vod_images) asks for output_type = "oss", so its images get OSS URLs.

These data sources sign a new URL at every read, so anything that uses one changes at every plan.
cover_url comes from the vod_image_url resource instead: it keeps its URL in the state and a plan
replaces it only from renew_at on (here 12 hours before expires_at), so a second plan of this
configuration in your own folder shows no change for it.
TEXT

stats=$(curl -fsS "$ALIBABA_CLOUD_ENDPOINT_VOD/_emulator/stats" 2>/dev/null || true)
by_action=$(sed -n 's/.*"by_action":{\([^}]*\)}.*/\1/p' <<<"$stats" | sed 's/"\([^"]*\)":\([0-9]*\)/\2 \1/g; s/,/, /g')
[[ -z $by_action ]] || echo "
Requests the emulator answered, plan and apply together:
  $by_action.
Reads that Terraform makes at the same time go out together as GetImageInfos calls (up to 20
images each); a read alone, such as the vod_image_url's, is one GetImageInfo."

cat <<'TEXT'

Try next:
  - change output_type or auth_timeout in examples/demo/main.tf and run make demo again;
  - use the provider from your own folder: README.md, "Installing a build (local development)";
  - start the emulator in your own CI: README.md, "Using the emulator in your own CI";
  - make test: the whole suite, with every supported Terraform and OpenTofu.
TEXT
echo
echo "demo: OK, read 3 images by ID and found the 2 of 2024 by search"
