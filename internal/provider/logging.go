package provider

import (
	"fmt"
	"os"
	"strings"

	"github.com/hashicorp/go-hclog"
)

// Which log lines a user sees is decided twice. The provider process writes a line when its
// logger's level allows it: TF_LOG_PROVIDER_VOD for the provider's own lines (terraform-plugin-go
// derives the name from the provider address), TF_LOG_PROVIDER_VOD_API for the api subsystem,
// TF_LOG_SDK, TF_LOG_SDK_PROTO and TF_LOG_SDK_FRAMEWORK for the SDK's; unset means TRACE. Terraform
// and OpenTofu then write a provider's line only at or above the level of TF_LOG_PROVIDER, else of
// TF_LOG, and no provider line at all when both are unset (internal/logging, providerLogLevel, in
// both hashicorp/terraform and opentofu/opentofu). So TF_LOG_PROVIDER_VOD alone shows nothing.

// Names of the logging environment variables this file reads or sets.
const (
	envLog                = "TF_LOG"
	envLogProvider        = "TF_LOG_PROVIDER"
	envLogProviderVOD     = "TF_LOG_PROVIDER_VOD"
	envLogProviderVODAPI  = "TF_LOG_PROVIDER_VOD_API"
	envLogSDK             = "TF_LOG_SDK"
	envLogSDKProto        = "TF_LOG_SDK_PROTO"
	envLogSDKFramework    = "TF_LOG_SDK_FRAMEWORK"
	frameworkDefaultLevel = "INFO"
)

// logHint is set by AdjustLogging when the user asked for this provider's lines at a level that
// Terraform will not write; Configure then says so in a warning.
var logHint string

// AdjustLogging sets the logging environment of a provider process that Terraform or OpenTofu
// started (not of one started with -debug, whose stderr is the user's). Call it before serving.
//
//   - When Terraform will write no provider line, the SDK's and the provider's loggers are turned
//     off: their TRACE lines would be formatted and sent only to be discarded, a quarter of the
//     provider's CPU in a 1,000-image plan.
//   - Below TRACE, the plugin framework's DEBUG lines are left out unless TF_LOG_SDK or
//     TF_LOG_SDK_FRAMEWORK asks for them: for a data source they are one "Value switched to prior
//     value due to semantic equality logic" per configured argument, although no value switched
//     (fwschemadata logs whenever the read's result equals the configuration, which a data source's
//     configured arguments always do).
func AdjustLogging() {
	logHint = adjustLogging(os.Getenv, func(k, v string) { _ = os.Setenv(k, v) })
}

func adjustLogging(getenv func(string) string, setenv func(string, string)) (hint string) {
	shown := terraformProviderLevel(getenv)
	hint = logVisibilityHint(getenv, shown)
	if shown == hclog.Off {
		for _, name := range []string{envLogSDK, envLogSDKProto, envLogSDKFramework, envLogProviderVOD, envLogProviderVODAPI} {
			setenv(name, "off")
		}
		return hint
	}
	if shown != hclog.Trace && getenv(envLogSDK) == "" && getenv(envLogSDKFramework) == "" {
		setenv(envLogSDKFramework, frameworkDefaultLevel)
	}
	return hint
}

// GoPluginLogger is the logger of go-plugin's server side in a provider process that Terraform
// started: at TRACE it writes all (as go-plugin's default logger does), else warnings and errors
// only, leaving out the two lines each provider process writes as it starts ("configuring server
// automatic mTLS", "plugin address"), three processes for a plan.
func GoPluginLogger() hclog.Logger {
	level := hclog.Warn
	if terraformProviderLevel(os.Getenv) == hclog.Trace {
		level = hclog.Trace
	}
	return hclog.New(&hclog.LoggerOptions{Level: level, Output: os.Stderr, JSONFormat: true})
}

// terraformProviderLevel is the level from which Terraform and OpenTofu write a provider's log
// lines, hclog.Off when they write none. Their rules: TF_LOG_PROVIDER, else TF_LOG; upper-cased;
// JSON means TRACE; a value that is no level name means TRACE.
func terraformProviderLevel(getenv func(string) string) hclog.Level {
	v := strings.ToUpper(getenv(envLogProvider))
	if v == "" {
		v = strings.ToUpper(getenv(envLog))
	}
	switch v {
	case "":
		return hclog.Off
	case "TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF":
		return hclog.LevelFromString(v)
	}
	return hclog.Trace
}

// logVisibilityHint explains, when TF_LOG_PROVIDER_VOD or TF_LOG_PROVIDER_VOD_API asks for lines
// that Terraform will not write (shown is Terraform's level), what to set as well; else "".
func logVisibilityHint(getenv func(string) string, shown hclog.Level) string {
	for _, name := range []string{envLogProviderVOD, envLogProviderVODAPI} {
		asked := hclog.LevelFromString(getenv(name))
		if asked == hclog.NoLevel || asked == hclog.Off || asked >= shown {
			continue
		}
		level := strings.ToUpper(asked.String())
		if shown == hclog.Off {
			return fmt.Sprintf("%s=%s is set, but Terraform writes no provider log line unless TF_LOG_PROVIDER or "+
				"TF_LOG is set too. Add TF_LOG_PROVIDER=%s to see this provider's lines (TF_LOG_SDK=OFF leaves out "+
				"the plugin SDK's).", name, getenv(name), level)
		}
		return fmt.Sprintf("%s=%s is set, but Terraform writes provider log lines only from level %s "+
			"(TF_LOG_PROVIDER, else TF_LOG). Set TF_LOG_PROVIDER=%s to see this provider's %s lines.",
			name, getenv(name), strings.ToUpper(shown.String()), level, level)
	}
	return ""
}
