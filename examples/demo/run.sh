#!/usr/bin/env bash
# Runs the demo: starts the VOD emulator with the demo images (examples/ci/vodemu.sh, the recipe
# README.md gives for your own CI), then plans and applies main.tf with the locally built provider
# through dev_overrides (no init, no network): it reads the demo images and uploads logo.png as a
# new image, whose signed URL it then gets. It prints what the configuration read and uploaded.
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
cp "$here"/*.tf "$here/logo.png" "$work/config/"
# vod_image uploads go to the emulator, which serves OSS on the same address (main.tf's oss_endpoint).
export TF_VAR_oss_endpoint=$ALIBABA_CLOUD_ENDPOINT_VOD
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

# Every output at once (each CLI call costs about a second), then each one's value compacted.
"$terraform" output -no-color -json >"$work/outputs.json"
output() {
  awk -v k="$1" '/^  "/ { on = index($0, "  \"" k "\":") == 1 } on' "$work/outputs.json" | tr -d '\n' |
    sed 's/[[:space:]]*\([][{}:,]\)[[:space:]]*/\1/g; s/,$//; s/.*"value":\(.*\)}$/\1/'
}
count=$(output images | grep -oE '"url":"https?://' | wc -l)
[[ $count -eq 3 ]] || { echo "demo: expected 3 image URLs, got $count" >&2; exit 1; }
recent=$(output recent)
want='{"titles":["Product walkthrough frame","Spring campaign cover"],"total":2}'
[[ $recent == "$want" ]] || { echo "demo: vod_images found $recent, want $want" >&2; exit 1; }
# The uploaded image: Normal, VOD's size and dimensions those of logo.png, its hash the file's, and
# a signed OSS URL.
uploaded=$(output uploaded)
logo_bytes=$(wc -c <logo.png | tr -d ' ') logo_sha=$(sha256sum logo.png 2>/dev/null || shasum -a 256 logo.png)
for want in '"status":"Normal"' '"width":160' '"height":90' "\"bytes\":$logo_bytes" "\"sha256\":\"${logo_sha%% *}\"" \
  '"url":"https://outin-[0-9a-f]*\.oss-cn-shanghai\.aliyuncs\.com/image/default/[0-9A-F]*\.png?[^"]*Signature='; do
  grep -q "$want" <<<"$uploaded" || { echo "demo: the uploaded image is $uploaded, want $want in it" >&2; exit 1; }
done
image_id=$(sed -n 's/.*"id":"\([0-9a-f]*\)".*/\1/p' <<<"$uploaded")

echo "What the configuration read and uploaded (terraform output):"
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

From a local file to a signed URL (uploaded): the vod_image resource hashed logo.png when
planning, then at apply asked VOD for an upload address and a temporary credential
(CreateUploadImage), sent the file to OSS with it (PutObject; multipart above 8 MB), and waited
until VOD reported the image Normal, with the width, height and size VOD read from the bytes.
vod_image_url then signed a URL of it, kept in the state as cover_url's is. Editing logo.png replaces
the image; a new title or tags change it in place; destroy deletes it. The state holds the hash,
never the file or the upload credential.
TEXT

stats=$(curl -fsS "$ALIBABA_CLOUD_ENDPOINT_VOD/_emulator/stats" 2>/dev/null || true)
counts() { sed -n "s/.*\"$1\":{\([^}]*\)}.*/\1/p" <<<"$stats" | sed 's/"\([^"]*\)":\([0-9]*\)/\2 \1/g; s/,/, /g'; }
by_action=$(counts by_action) by_oss=$(counts oss_by_operation)
[[ -z $by_action ]] || echo "
Requests the emulator answered, plan and apply together:
  VOD: $by_action;
  OSS: ${by_oss:-none}.
Reads that Terraform makes at the same time go out together as GetImageInfos calls (up to 20
images each); a read alone, such as the vod_image_url's, is one GetImageInfo."

cat <<'TEXT'

Try next:
  - change output_type or auth_timeout in examples/demo/main.tf and run make demo again;
  - own your own images: README.md, "The vod_image resource";
  - use the provider from your own folder: README.md, "Installing a build (local development)";
  - start the emulator in your own CI: README.md, "Using the emulator in your own CI";
  - make test: the whole suite, with every supported Terraform and OpenTofu.
TEXT
echo
echo "demo: OK, uploaded logo.png as image $image_id and signed its URL, read 3 images by ID, found the 2 of 2024 by search"
