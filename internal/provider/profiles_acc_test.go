package provider_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vodtf/terraform-provider-vod/internal/acctest"
)

// profileCorpus is what each config.json of testdata/profiles (one per aliyun CLI mode, plus hand
// edits) must give: "" for a successful read, else the error. Every file's profile is "corpus".
var profileCorpus = map[string]string{
	"ak":                            "",
	"ak-lowercase-mode":             "",
	"ak-no-mode":                    "",
	"ak-missing-secret":             `mode AK needs access_key_secret[\s\S]*aliyun configure --profile corpus --mode AK`,
	"ststoken":                      "",
	"ststoken-uppercase-mode":       "",
	"ramrolearn":                    "",
	"chainableramrolearn":           "",
	"chainable-loop":                `chain of profiles is a loop`,
	"oidc":                          "",
	"external":                      "",
	"external-noisy":                `External command[\s\S]*not one JSON object: syntax error at line 1, column 2`,
	"credentialsuri":                "",
	"credentialsuri-lowercase-mode": "",
	"ecsramrole":                    `ALIBABA_CLOUD_ECS_METADATA_DISABLED`,
	"ramrolearnwithrolename":        `ALIBABA_CLOUD_ECS_METADATA_DISABLED`,
	"cloudsso-cached":               "",
	"cloudsso-expired":              `CloudSSO sign-in has expired[\s\S]*aliyun configure --profile corpus --mode\s+CloudSSO`,
	"oauth-not-signed-in":           `OAuth sign-in has no refresh token[\s\S]*aliyun configure --profile corpus --mode\s+OAuth`,
	"bearertoken":                   `BearerToken[\s\S]*does not accept`,
	"anonymous":                     `Anonymous[\s\S]*must be signed`,
	"rsakeypair":                    `RsaKeyPair is deprecated`,
	"unknown-mode":                  `mode "Magic" is not one the aliyun CLI knows[\s\S]*CredentialsURI`,
	"trailing-comma":                `not valid JSON: syntax error at line 9, column 5`,
	"region-from-profile":           "",
}

// Every file of the corpus through a real terraform against the emulator, each from a "~/" path
// (so ~ expansion is part of every case) and with sts_endpoint set, which must win over the
// profiles' sts_region for every STS call they make.
func TestAccCredentials_profileCorpus(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("testdata/profiles/*.json")
	if err != nil || len(files) != len(profileCorpus) {
		t.Fatalf("the corpus has %d files, the table %d entries (%v)", len(files), len(profileCorpus), err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".json")
		want, ok := profileCorpus[name]
		if !ok {
			t.Fatalf("no expectation for %s", file)
		}
		t.Run(name, func(t *testing.T) {
			tg := acctest.New(t)
			tg.RequireEmulator(t)
			rel := writeCorpusProfile(t, tg, file, name)
			args := fmt.Sprintf("sts_endpoint = %q\n  shared_credentials_file = %q", tg.STSEndpoint(), "~/"+rel)
			config := coverConfig(tg, args)
			if name == "region-from-profile" {
				config = strings.Replace(config, fmt.Sprintf("region   = %q", acctest.EmulatorRegion), "", 1)
			}
			readOnce(t, true, config, want)
			if st := tg.Emulator.Server.Stats(); st.ProxyConnects != 0 {
				t.Errorf("an STS call went to the profile's sts_region through the proxy instead of sts_endpoint: %+v", st)
			}
		})
	}
}

// writeCorpusProfile fills in a corpus file's placeholders and writes it under HOME; it returns
// the path relative to HOME.
func writeCorpusProfile(t *testing.T, tg *acctest.Target, file, name string) string {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tmp := tg.IssueTemporaryCredentials(t, acctest.OpenRoleARN)
	helper := filepath.Join(dir, "helper.sh")
	answer, _ := json.Marshal(map[string]string{"mode": "StsToken", "access_key_id": tmp.AccessKeyID,
		"access_key_secret": tmp.AccessKeySecret, "sts_token": tmp.SecurityToken})
	writeFile(t, helper, fmt.Sprintf("#!/bin/sh\n[ \"$1\" = noisy ] && echo 'fetching credentials...'\necho '%s'\n", answer))
	if err := os.Chmod(helper, 0o700); err != nil {
		t.Fatal(err)
	}
	uri := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]string{"Code": "Success", "AccessKeyId": tmp.AccessKeyID,
			"AccessKeySecret": tmp.AccessKeySecret, "SecurityToken": tmp.SecurityToken, "Expiration": "2099-01-01T00:00:00Z"})
	}))
	t.Cleanup(uri.Close)
	text := strings.NewReplacer(
		"${AK}", acctest.EmulatorAccessKeyID, "${SK}", acctest.EmulatorAccessKeySecret,
		"${TMP_AK}", tmp.AccessKeyID, "${TMP_SK}", tmp.AccessKeySecret, "${TMP_TOKEN}", tmp.SecurityToken,
		"${ROLE}", acctest.RoleARN, "${EXTERNAL_ID}", acctest.RoleExternalID, "${OPEN_ROLE}", acctest.OpenRoleARN,
		"${OIDC_PROVIDER}", acctest.OIDCProviderARN, "${TOKEN_FILE}", oidcTokenFile(t),
		"${HELPER}", helper, "${URI}", uri.URL+"/creds?token=x", "${MARK}", "MARKER-corpus-secret",
	).Replace(string(raw))
	home, err := os.UserHomeDir()
	if err != nil {
		t.Fatal(err)
	}
	rel := filepath.Join(".vod-corpus", filepath.Base(dir), name+".json")
	writeFile(t, filepath.Join(home, rel), text)
	return rel
}

// A wrong profile name and a missing region: one error that names both.
func TestAccCredentials_wrongProfileAndNoRegion(t *testing.T) {
	tg := acctest.New(t)
	tg.RequireEmulator(t)
	file := writeProfiles(t, oidcTokenFile(t))
	config := acctest.ProviderBlock(acctest.Arg("endpoint", tg.Emulator.URL), `profile = "nobody"`,
		acctest.Arg("shared_credentials_file", file)) + fmt.Sprintf(readTitle, acctest.ImageCDN)
	readOnce(t, true, config,
		`Missing VOD provider configuration[\s\S]*- region:[\s\S]*region_id[\s\S]*- credentials:[\s\S]*no\s+profile\s+named\s+"nobody"`)
}

// "~" in ALIBABA_CLOUD_CONFIG_FILE, and a profile's region_id as the region. Not parallel: environment.
func TestAccCredentials_tildeInConfigFileVariable(t *testing.T) {
	tg := acctest.New(t)
	tg.RequireEmulator(t)
	rel := writeCorpusProfile(t, tg, "testdata/profiles/ak.json", "env")
	t.Setenv("ALIBABA_CLOUD_CONFIG_FILE", "~/"+rel)
	config := acctest.ProviderBlock(acctest.Arg("endpoint", tg.Emulator.URL)) + fmt.Sprintf(readTitle, acctest.ImageCDN)
	readOnce(t, false, config, "")
}
