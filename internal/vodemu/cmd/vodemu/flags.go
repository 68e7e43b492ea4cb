package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/vodtf/terraform-provider-vod/internal/vodemu"
)

// config is what the command line asks for.
type config struct {
	opts   vodemu.Options
	listen string
	faults []faultSpec
	caOut  string // write a new CA's PEM here and serve TLS
	// failNextUploads makes the first N uploaded images end UploadFail (Server.FailNextUploads).
	failNextUploads int
}

// faultSpec is one item of -faults.
type faultSpec struct {
	kind    vodemu.FaultKind
	next    int
	rate    float64
	isRate  bool
	actions []string
}

const faultsHelp = "faults to inject: comma-separated KIND:next=N or KIND:rate=P, each optionally followed by " +
	"@Action1+Action2 to fault only those actions (e.g. throttling:next=2@GetImageInfo,reset:rate=0.1); KIND is one of " +
	"throttling, throttling-503, unavailable, internal, reset, slow, malformed-json, truncated, html-502, empty-200, wrong-content-type"

const qpsHelp = "requests per second allowed per Action and account, shared by every client of this emulator; " +
	"burst max(1, QPS), above it Throttling.User: a number for every Action (0: no limit), \"documented\" for the " +
	"documented per-action limits (GetImageInfos=10,SearchMedia=50,GetImageInfo=100, the last assumed), or " +
	"comma-separated items of these and ACTION=N, later items overriding (e.g. documented,GetImageInfo=20)"

func parseFlags(args []string, stderr io.Writer) (config, error) {
	var c config
	var data, oidcTokenFile, faults, qps, ossSignature string
	var roles roleFlag
	opts := &c.opts
	fs := flag.NewFlagSet("vodemu", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.listen, "listen", "127.0.0.1:0", "address to listen on (port 0 picks a free port)")
	fs.StringVar(&data, "data", "", "JSON array of ImageInfo objects to serve (empty: no images)")
	fs.StringVar(&opts.AccessKeyID, "access-key-id", "", "the accepted AccessKeyId (required)")
	fs.StringVar(&opts.AccessKeySecret, "access-key-secret", "", "the accepted AccessKeySecret (required; or env VODEMU_ACCESS_KEY_SECRET)")
	fs.StringVar(&opts.SecurityToken, "security-token", "", "if set, every request signed with -access-key-id must carry this security token")
	fs.StringVar(&opts.Region, "region", "cn-shanghai", "region named in HostId")
	fs.StringVar(&faults, "faults", "", faultsHelp)
	fs.Int64Var(&opts.FaultSeed, "seed", 0, "seed of the random sequence behind KIND:rate=P faults")
	fs.DurationVar(&opts.Faults.SlowDelay, "slow-delay", vodemu.DefaultSlowDelay, "how long a slow fault waits before answering")
	fs.StringVar(&qps, "qps", "0", qpsHelp)
	fs.DurationVar(&opts.STS.Lifetime, "sts-lifetime", 0, "lifetime of STS credentials, whatever DurationSeconds asks (0: DurationSeconds)")
	fs.Var(&roles, "role", "a role AssumeRole(WithOIDC) can assume, ARN[#EXTERNAL_ID] (repeatable)")
	var maxSession time.Duration
	fs.DurationVar(&maxSession, "role-max-session", 0,
		"every -role's maximum session duration, which bounds DurationSeconds (0: RAM's default, 1h; at most 12h)")
	fs.StringVar(&opts.STS.OIDCProviderARN, "oidc-provider-arn", "", "the OIDC provider ARN AssumeRoleWithOIDC accepts")
	fs.StringVar(&oidcTokenFile, "oidc-token-file", "", "file whose content, trimmed, is the OIDC token AssumeRoleWithOIDC accepts")
	fs.StringVar(&c.caOut, "ca-out", "", "generate a CA, serve TLS and CONNECT on the same port, and write the CA certificate (PEM) to this file for SSL_CERT_FILE")
	fs.DurationVar(&opts.CDNURLValidity, "cdn-url-validity", vodemu.DefaultCDNURLValidity,
		"the CDN domain's validity period of type-A signed URLs: a CDN URL is served until its auth_key timestamp plus this")
	fs.StringVar(&ossSignature, "oss-signature", "v1",
		"how returned OSS URLs are signed: v1 or v4 for every bucket, or BUCKET=v1|v4 for one, comma-separated, later items "+
			"overriding (e.g. v4,outin-old=v1); a data file's OSSSignatureVersion overrides it per image. V4 URLs hold at most 604800 s")
	fs.StringVar(&opts.OSSSecurityToken, "oss-security-token", "",
		"if set, the OSS key that signs returned URLs is a temporary one: URLs carry this token, and the OSS endpoint requires it")
	upload := uploadFlags(fs, &c.failNextUploads)
	fs.Usage = func() { usage(fs) }
	if err := fs.Parse(args); err != nil {
		return c, fmt.Errorf("%w: %w", errReported, err)
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected arguments: %q", fs.Args())
	}
	if opts.AccessKeySecret == "" {
		opts.AccessKeySecret = os.Getenv("VODEMU_ACCESS_KEY_SECRET")
	}
	if opts.AccessKeyID == "" || opts.AccessKeySecret == "" {
		return c, errors.New("-access-key-id and -access-key-secret (or VODEMU_ACCESS_KEY_SECRET) are required")
	}
	limits, err := vodemu.ParseRateLimits(qps)
	if err != nil {
		return c, fmt.Errorf("-qps: %w", err)
	}
	opts.QPS, opts.ActionQPS = limits.QPS, limits.ByAction
	versions, err := vodemu.ParseOSSSignatureVersions(ossSignature)
	if err != nil {
		return c, fmt.Errorf("-oss-signature: %w", err)
	}
	opts.OSSSignatureVersion, opts.OSSBucketSignatureVersions = versions.Default, versions.ByBucket
	if c.faults, err = parseFaults(faults); err != nil {
		return c, fmt.Errorf("-faults: %w", err)
	}
	for i := range roles {
		roles[i].MaxSessionDuration = maxSession
	}
	opts.STS.Roles = roles
	if oidcTokenFile != "" {
		b, err := os.ReadFile(oidcTokenFile) //nolint:gosec // G304: the file the user names with -oidc-token-file
		if err != nil {
			return c, fmt.Errorf("-oidc-token-file: %w", err)
		}
		// Trimmed here; credentials-go sends a token file untrimmed, so
		// write it without a trailing newline.
		if opts.STS.OIDCToken = strings.TrimSpace(string(b)); opts.STS.OIDCToken == "" {
			return c, fmt.Errorf("-oidc-token-file: %s is empty", oidcTokenFile)
		}
	}
	if data != "" {
		df, err := vodemu.LoadDataFile(data)
		if err != nil {
			return c, err
		}
		opts.Images, opts.Categories, opts.Upload = df.Images, df.Categories, df.Upload
	}
	if err := upload.apply(fs, &opts.Upload); err != nil {
		return c, err
	}
	if c.failNextUploads < 0 {
		return c, errors.New("-upload-fail-next: want 0 or more")
	}
	// Bad options (a malformed -role ARN, say) are usage errors too.
	if _, err := vodemu.New(*opts); err != nil {
		return c, err
	}
	return c, nil
}

// uploadFlagValues are the -upload-* flags' values: they override a data file's Upload object
// field by field, where given (vodemu.UploadOptions says what each does).
type uploadFlagValues struct {
	storageLocation string
	lifetime, delay time.Duration
	afterReads      int
	fail            bool
}

// uploadFlags defines the -upload-* flags on fs.
func uploadFlags(fs *flag.FlagSet, failNext *int) *uploadFlagValues {
	u := &uploadFlagValues{}
	fs.StringVar(&u.storageLocation, "upload-storage-location", "", "the bucket host CreateUploadImage uploads to when the request "+
		"names no StorageLocation, such as outin-xxx.oss-cn-shanghai.aliyuncs.com (default "+vodemu.DefaultUploadBucket+
		".oss-<region>.aliyuncs.com; data file: Upload.StorageLocation)")
	fs.DurationVar(&u.lifetime, "upload-credential-lifetime", vodemu.DefaultUploadCredentialLifetime,
		"how long an upload credential from CreateUploadImage works (documented: 3000 s; data file: Upload.CredentialLifetimeSeconds)")
	fs.IntVar(&u.afterReads, "upload-after-reads", 0, "an uploaded image stays Uploading for this many GetImageInfo(s) reads "+
		"of it after its object is complete (data file: Upload.Completion.AfterReads)")
	fs.DurationVar(&u.delay, "upload-delay", 0, "an uploaded image stays Uploading this long after its object is complete "+
		"(data file: Upload.Completion.DelaySeconds)")
	fs.BoolVar(&u.fail, "upload-fail", false, "uploaded images end UploadFail instead of Normal (data file: Upload.Completion.Fail)")
	fs.IntVar(failNext, "upload-fail-next", 0, "the first N uploaded images end UploadFail, the later ones as the other flags say")
	return u
}

// apply sets the -upload-* flags given on the command line in o, over what the data file said.
func (u *uploadFlagValues) apply(fs *flag.FlagSet, o *vodemu.UploadOptions) error {
	var err error
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "upload-storage-location":
			o.StorageLocation = u.storageLocation
		case "upload-credential-lifetime":
			if u.lifetime < time.Second {
				err = errors.New("-upload-credential-lifetime: want 1s or more")
			}
			o.CredentialLifetime = u.lifetime
		case "upload-after-reads":
			if u.afterReads < 0 {
				err = errors.New("-upload-after-reads: want 0 or more")
			}
			o.Completion.AfterReads = u.afterReads
		case "upload-delay":
			if u.delay < 0 {
				err = errors.New("-upload-delay: want 0 or more")
			}
			o.Completion.Delay = u.delay
		case "upload-fail":
			o.Completion.Fail = u.fail
		}
	})
	return err
}

// parseFaults parses the -faults grammar:
//
//	SPEC = ITEM {"," ITEM}
//	ITEM = KIND ":" ("next=" N | "rate=" P) ["@" ACTION {"+" ACTION}]
func parseFaults(spec string) ([]faultSpec, error) {
	if spec == "" {
		return nil, nil
	}
	var out []faultSpec
	for _, item := range strings.Split(spec, ",") {
		var f faultSpec
		item, actions, hasActions := strings.Cut(strings.TrimSpace(item), "@")
		if hasActions {
			for _, a := range strings.Split(actions, "+") {
				if a == "" {
					return nil, fmt.Errorf("%q: empty action after @", item)
				}
				f.actions = append(f.actions, a)
			}
		}
		kind, arg, ok := strings.Cut(item, ":")
		if !ok {
			return nil, fmt.Errorf("%q: want KIND:next=N or KIND:rate=P", item)
		}
		var err error
		if f.kind, err = vodemu.ParseFaultKind(kind); err != nil {
			return nil, err
		}
		name, value, _ := strings.Cut(arg, "=")
		switch name {
		case "next":
			if f.next, err = strconv.Atoi(value); err != nil || f.next <= 0 {
				return nil, fmt.Errorf("%q: next must be a whole number > 0", item)
			}
		case "rate":
			f.isRate = true
			if f.rate, err = strconv.ParseFloat(value, 64); err != nil || !(f.rate >= 0 && f.rate <= 1) {
				return nil, fmt.Errorf("%q: rate must be between 0 and 1", item)
			}
		default:
			return nil, fmt.Errorf("%q: want KIND:next=N or KIND:rate=P", item)
		}
		out = append(out, f)
	}
	return out, nil
}

func (f faultSpec) apply(s *vodemu.Server) {
	if f.isRate {
		s.SetFaultRate(f.kind, f.rate, f.actions...)
	} else {
		s.InjectNext(f.kind, f.next, f.actions...)
	}
}

// roleFlag collects -role ARN[#EXTERNAL_ID].
type roleFlag []vodemu.Role

func (r *roleFlag) String() string { return fmt.Sprint(len(*r), " roles") }

func (r *roleFlag) Set(v string) error {
	arn, ext, _ := strings.Cut(v, "#")
	if arn == "" {
		return errors.New("want ARN[#EXTERNAL_ID]")
	}
	*r = append(*r, vodemu.Role{ARN: arn, ExternalID: ext})
	return nil
}

// usage prints the flags, then the data file's format.
func usage(fs *flag.FlagSet) {
	w := fs.Output()
	_, _ = fmt.Fprintf(w, "Usage: vodemu -access-key-id ID -access-key-secret SECRET [-data FILE] [flags]\n\n"+
		"An offline emulator of ApsaraVideo VOD (GetImageInfo, GetImageInfos, SearchMedia, CreateUploadImage with\n"+
		"OSS uploads on the same address, UpdateImageInfos, DeleteImage, the category actions) and STS (AssumeRole,\n"+
		"AssumeRoleWithOIDC). It prints endpoint=http://HOST:PORT once it listens.\n\nFlags:\n")
	fs.PrintDefaults()
	_, _ = fmt.Fprintf(w, "\nData file (-data):\n%s\n", vodemu.DataFileFormat)
}
