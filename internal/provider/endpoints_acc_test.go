package provider_test

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"regexp"
	"slices"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/vodtf/terraform-provider-vod/internal/acctest"
)

// Every region of VOD's Endpoints page is accepted, the two the provider used to refuse included
// (me-central-1 was answered with "Did you mean eu-central-1?").
func TestAccProvider_everyDocumentedRegion(t *testing.T) {
	t.Parallel()
	for _, region := range []string{"me-central-1", "cn-north-2-gov-1"} {
		t.Run(region, func(t *testing.T) {
			tg := acctest.New(t)
			tg.RequireEmulator(t)
			resource.ParallelTest(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config: acctest.ProviderBlock(acctest.Arg("endpoint", tg.Emulator.URL), acctest.Arg("region", region), acctest.Keys()) +
						fmt.Sprintf(readTitle, acctest.ImageCDN),
					ConfigStateChecks: titleIs(coverTitle),
				}},
			})
		})
	}
}

// The region the Endpoints page marks deactivated is refused before any request, with the page's
// reason and the way out.
func TestAccProvider_deactivatedRegion(t *testing.T) {
	tg := acctest.New(t)
	tg.RequireEmulator(t)
	rejectedBeforeAnyRequest(t, tg, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock(acctest.Arg("endpoint", tg.Emulator.URL), `region = "ap-south-1"`, acctest.Keys()) +
				fmt.Sprintf(readTitle, acctest.ImageCDN),
			ExpectError: regexp.MustCompile(`Unsupported VOD region[\s\S]*"ap-south-1"\s+\(India\s+\(Mumbai\)\)\s+is\s+marked\s+deactivated` +
				`[\s\S]*skip_region_validation\s+=\s+true`),
		}},
	})
}

// endpoint and sts_endpoint take the forms users write: a trailing slash, and sts_endpoint as an
// https URL (which used to become a request to a host named "https").
func TestAccProvider_endpointForms(t *testing.T) {
	tg := acctest.New(t)
	tg.RequireEmulator(t)
	resource.ParallelTest(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: acctest.ProviderBlock(acctest.Arg("endpoint", tg.Emulator.URL+"/"), acctest.Arg("region", acctest.EmulatorRegion), acctest.Keys(),
				acctest.Arg("sts_endpoint", "https://"+tg.STSEndpoint()+"/"), "max_retries = 0",
				fmt.Sprintf("assume_role {\n    role_arn = %q\n  }", acctest.OpenRoleARN)) +
				fmt.Sprintf(readTitle, acctest.ImageCDN),
			ConfigStateChecks: titleIs(coverTitle),
		}},
	})
	if n := tg.Count("AssumeRole", ""); n < 1 {
		t.Errorf("the role was assumed at the emulator %d times, want at least 1", n)
	}
}

// An endpoint setting of another form is refused at plan time, before any request, naming the
// setting and the forms it takes, with the user info's password redacted.
func TestAccProvider_endpointRefusedAtPlanTime(t *testing.T) {
	t.Parallel()
	const password = "Proxy-Pa55w0rd-acctest"
	for name, tc := range map[string]struct {
		args, want string
	}{
		"endpoint with user info": {
			args: `endpoint = "http://admin:` + password + `@127.0.0.1:1"`,
			want: `Invalid VOD endpoint[\s\S]*argument\s+endpoint[\s\S]*"http://admin:xxxxx@127.0.0.1:1"[\s\S]*user\s+info[\s\S]*https://host\[:port\]`,
		},
		"endpoint with a path": {
			args: `endpoint = "https://vod.cn-shanghai.aliyuncs.com/v1"`,
			want: `Invalid VOD endpoint[\s\S]*has\s+a\s+path`,
		},
		"sts_endpoint over http": {
			args: `endpoint = "http://127.0.0.1:1"` + "\n  " + `sts_endpoint = "http://sts.aliyuncs.com"`,
			want: `Invalid STS endpoint[\s\S]*argument\s+sts_endpoint[\s\S]*host\[:port\]\s+or\s+https://host\[:port\]`,
		},
		"sts_endpoint with user info": {
			args: `endpoint = "http://127.0.0.1:1"` + "\n  " + `sts_endpoint = "https://admin:` + password + `@sts.aliyuncs.com"`,
			want: `Invalid STS endpoint[\s\S]*"https://admin:xxxxx@sts.aliyuncs.com"`,
		},
	} {
		t.Run(name, func(t *testing.T) {
			tg := acctest.New(t)
			tg.RequireEmulator(t)
			rejectedBeforeAnyRequest(t, tg, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      acctest.ProviderBlock(tc.args, acctest.Arg("region", acctest.EmulatorRegion), acctest.Keys()) + fmt.Sprintf(readTitle, acctest.ImageCDN),
					PlanOnly:    true,
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
}

// The same through ALIBABA_CLOUD_ENDPOINT_VOD and ALIBABA_CLOUD_STS_ENDPOINT, which CI systems hold
// as secrets. Not parallel: it sets process environment variables.
func TestAccProvider_endpointVariablesRefusedRedacted(t *testing.T) {
	const password = "Env-Pa55w0rd-acctest"
	for name, tc := range map[string]struct {
		env  map[string]string
		want string
	}{
		"ALIBABA_CLOUD_ENDPOINT_VOD": {
			env:  map[string]string{"ALIBABA_CLOUD_ENDPOINT_VOD": "http://admin:" + password + "@127.0.0.1:1"},
			want: `Invalid VOD endpoint[\s\S]*environment\s+variable\s+ALIBABA_CLOUD_ENDPOINT_VOD[\s\S]*"http://admin:xxxxx@127.0.0.1:1"`,
		},
		"ALIBABA_CLOUD_STS_ENDPOINT": {
			env: map[string]string{"ALIBABA_CLOUD_ENDPOINT_VOD": "http://127.0.0.1:1",
				"ALIBABA_CLOUD_STS_ENDPOINT": "http://admin:" + password + "@sts.aliyuncs.com"},
			want: `Invalid STS endpoint[\s\S]*environment\s+variable\s+ALIBABA_CLOUD_STS_ENDPOINT[\s\S]*"http://admin:xxxxx@sts.aliyuncs.com"`,
		},
	} {
		t.Run(name, func(t *testing.T) {
			tg := acctest.New(t)
			tg.RequireEmulator(t)
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			resource.Test(t, resource.TestCase{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps: []resource.TestStep{{
					Config:      acctest.ProviderBlock(acctest.Arg("region", acctest.EmulatorRegion), acctest.Keys()) + fmt.Sprintf(readTitle, acctest.ImageCDN),
					ExpectError: regexp.MustCompile(tc.want),
				}},
			})
		})
	}
}

// Without endpoint, the provider calls the host that VOD's Endpoints page gives for a listed
// region, and the host of the official SDK's endpoint map for a region with skip_region_validation
// (cn-qingdao goes to vod.aliyuncs.com, not vod.cn-qingdao.aliyuncs.com). A real terraform runs the
// provider binary behind a proxy of this test's that records every CONNECT and hands the tunnel to
// the emulator, which serves *.aliyuncs.com: no DNS lookup and no traffic leave the machine.
func TestAccProvider_regionHosts(t *testing.T) {
	t.Parallel()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	tg := acctest.New(t)
	tg.RequireEmulator(t)
	proxy := newRecordingProxy(t, tg.Emulator.Addr)
	tf := newRealTerraform(t)
	for _, tc := range []struct{ region, extra, host string }{
		{"me-central-1", "", "vod.me-central-1.aliyuncs.com:443"},
		{"cn-hangzhou", "", "vod.cn-shanghai.aliyuncs.com:443"},
		{"cn-qingdao", "skip_region_validation = true", "vod.aliyuncs.com:443"},
		{"ap-southeast-7", "skip_region_validation = true", "vod.ap-southeast-7.aliyuncs.com:443"},
	} {
		t.Run(tc.region, func(t *testing.T) {
			before := len(proxy.hosts())
			config := acctest.RequiredProviders + acctest.ProviderBlock(acctest.Arg("region", tc.region), acctest.Keys(), "max_retries = 0", tc.extra) +
				fmt.Sprintf(readTitle, acctest.ImageCDN)
			stdout, stderr, failed := tf.plan(t, config, "HTTPS_PROXY=http://"+proxy.addr, "https_proxy=http://"+proxy.addr,
				"NO_PROXY=", "no_proxy=", "ALIBABA_CLOUD_ECS_METADATA_DISABLED=true")
			if failed {
				t.Fatalf("plan failed:\n%s\n%s", stdout, stderr)
			}
			got := proxy.hosts()[before:]
			if len(got) == 0 || slices.IndexFunc(got, func(h string) bool { return h != tc.host }) >= 0 {
				t.Errorf("region %s: the provider connected to %v, want only %s", tc.region, got, tc.host)
			}
		})
	}
}

// (The errors for a configured host that DNS does not know are unit tests, TestHostNotFoundNamesTheSetting
// and vod's TestSTSEndpointNotFoundNamesTheSetting: here they would need a DNS lookup that leaves the
// machine.)

// recordingProxy is an HTTP proxy that records the host of every CONNECT and passes the request
// and its tunnel to the emulator's own proxy, which answers for *.aliyuncs.com without dialling.
type recordingProxy struct {
	addr string
	mu   sync.Mutex
	seen []string
}

func newRecordingProxy(t *testing.T, emulatorAddr string) *recordingProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &recordingProxy{addr: ln.Addr().String()}
	var wg sync.WaitGroup
	t.Cleanup(func() { _ = ln.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				p.serve(conn, emulatorAddr)
			}()
		}
	}()
	return p
}

func (p *recordingProxy) serve(conn net.Conn, emulatorAddr string) {
	defer func() { _ = conn.Close() }()
	br := bufio.NewReader(conn)
	req, err := http.ReadRequest(br)
	if err != nil {
		return
	}
	p.mu.Lock()
	p.seen = append(p.seen, req.Host)
	p.mu.Unlock()
	up, err := net.Dial("tcp", emulatorAddr)
	if err != nil {
		return
	}
	defer func() { _ = up.Close() }()
	if err := req.Write(up); err != nil {
		return
	}
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(up, br); done <- struct{}{} }()
	go func() { _, _ = io.Copy(conn, up); done <- struct{}{} }()
	<-done
}

func (p *recordingProxy) hosts() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.seen...)
}
