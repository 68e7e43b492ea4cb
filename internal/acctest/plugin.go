package acctest

import (
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// pluginBuild is the provider binary built once per test run for the tests that run Terraform with
// the provider as a plugin process (dev_overrides), as a user does.
var pluginBuild struct {
	once sync.Once
	dir  string
	err  error
	out  []byte
}

// PluginDir returns a folder holding terraform-provider-vod built from this tree, for a
// dev_overrides entry. The first call builds it (with the caller's Go caches and no network,
// GoBuildEnv) into the run's temporary HOME; later calls, from any test, reuse it. Building it once
// rather than in each such test saves a link of the whole provider per test (several seconds of
// CPU each on a 2-core machine).
func PluginDir(t testing.TB) string {
	t.Helper()
	pluginBuild.once.Do(func() {
		pluginBuild.dir = filepath.Join(runHome, "plugin")
		build := exec.Command("go", "build", "-o", filepath.Join(pluginBuild.dir, "terraform-provider-vod"), //nolint:gosec // G204: the go command building this module
			"github.com/vodtf/terraform-provider-vod")
		build.Env = GoBuildEnv()
		pluginBuild.out, pluginBuild.err = build.CombinedOutput()
	})
	if pluginBuild.err != nil {
		t.Fatalf("building the provider: %v\n%s", pluginBuild.err, pluginBuild.out)
	}
	return pluginBuild.dir
}
