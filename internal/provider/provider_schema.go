package provider

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-validators/float64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

func (p *vodProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Reads Alibaba Cloud ApsaraVideo VOD (video on demand) images: their URLs and metadata.",
		Attributes: map[string]schema.Attribute{
			"access_key": schema.StringAttribute{
				Optional: true,
				Description: "AccessKey ID of the Alibaba Cloud account or RAM user. " +
					"Defaults to the environment variable `ALIBABA_CLOUD_ACCESS_KEY_ID`, then `ALICLOUD_ACCESS_KEY`.",
			},
			"secret_key": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				Description: "AccessKey secret that belongs to `access_key`. " +
					"Defaults to the environment variable `ALIBABA_CLOUD_ACCESS_KEY_SECRET`, then `ALICLOUD_SECRET_KEY`.",
			},
			"security_token": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				Description: "Security token of temporary STS credentials; set it together with the temporary " +
					"`access_key` and `secret_key`. Defaults to the environment variable " +
					"`ALIBABA_CLOUD_SECURITY_TOKEN`, then `ALICLOUD_SECURITY_TOKEN`.",
			},
			"region": schema.StringAttribute{
				Optional: true,
				Description: "Region of the VOD service, such as `cn-shanghai`: one of the regions on VOD's Endpoints page " +
					"(`cn-beijing`, `cn-shanghai`, `cn-shenzhen`, `cn-hongkong`, `ap-southeast-1`, `ap-northeast-1`, " +
					"`ap-southeast-5`, `us-west-1`, `eu-central-1`, `me-central-1`, `cn-north-2-gov-1`), or `cn-hangzhou`. " +
					"It selects the endpoint `https://vod.<region>.aliyuncs.com` (`cn-hangzhou` uses " +
					"`vod.cn-shanghai.aliyuncs.com`, as Alibaba Cloud's own SDKs do). `ap-south-1` (India (Mumbai)) is marked " +
					"deactivated on that page and refused unless `skip_region_validation` is set. Defaults to the environment variable " +
					"`ALIBABA_CLOUD_REGION`, then `ALIBABA_CLOUD_REGION_ID`, then `ALICLOUD_REGION`, then the `region_id` of " +
					"the selected aliyun CLI profile.",
			},
			"endpoint": schema.StringAttribute{
				Optional: true,
				Description: "The VOD API endpoint, overriding the one `region` selects: a URL such as " +
					"`https://vod-vpc.cn-shanghai.aliyuncs.com` or `http://127.0.0.1:8080` (the bundled emulator), or a host " +
					"(and port) such as `vod-vpc.cn-shanghai.aliyuncs.com`, called over HTTPS; a trailing slash is ignored. " +
					"A path, query or user info (`user:password@`) is refused at plan time, and the value is never shown " +
					"unredacted. Defaults to the environment variable `ALIBABA_CLOUD_ENDPOINT_VOD`.",
				Validators: []validator.String{endpointValidator{}},
			},
			"oss_endpoint": schema.StringAttribute{
				Optional: true,
				Description: "The OSS endpoint that `vod_image` uploads go to, overriding the one VOD names in each " +
					"CreateUploadImage answer (its UploadAddress); the bucket and object key still come from VOD. Such as " +
					"`https://oss-cn-shanghai-internal.aliyuncs.com` from an ECS instance in the storage's region (internal " +
					"network), or the bundled emulator's URL (`http://127.0.0.1:8080`, which its tests set). Same forms as " +
					"`endpoint`. By default, the endpoint VOD names.",
				Validators: []validator.String{endpointValidator{}},
			},
			"profile": schema.StringAttribute{
				Optional: true,
				Description: "Name of a profile in the aliyun CLI's configuration file, read as the CLI reads it: modes " +
					"`AK`, `StsToken`, `RamRoleArn`, `ChainableRamRoleArn`, `EcsRamRole`, `RamRoleArnWithRoleName`, `OIDC`, " +
					"`External`, `CredentialsURI`, `CloudSSO` and `OAuth`, matched regardless of case (`BearerToken`, " +
					"`Anonymous` and `RsaKeyPair` are refused with an explanation). Used when no access key is given; its " +
					"`region_id` is the region when neither `region` nor a region variable is set. Defaults to the " +
					"environment variable `ALIBABA_CLOUD_PROFILE`, then `ALICLOUD_PROFILE`, then the file's current profile.",
			},
			"shared_credentials_file": schema.StringAttribute{
				Optional: true,
				Description: "Path of the aliyun CLI's configuration file; a leading `~` is the home directory. Defaults " +
					"to the environment variable `ALIBABA_CLOUD_CONFIG_FILE`, then `~/.aliyun/config.json`.",
			},
			"sts_endpoint": schema.StringAttribute{
				Optional: true,
				Description: "Host (and port) of the STS API, such as `sts-vpc.cn-shanghai.aliyuncs.com`, or the same as an " +
					"`https://` URL (a trailing slash is ignored), for every STS call whichever source makes it (`assume_role`, " +
					"OIDC, a role profile); always called over HTTPS, so `http://` is refused at plan time. Defaults " +
					"to the environment variable `ALIBABA_CLOUD_STS_ENDPOINT`, then the profile's `sts_region` endpoint, " +
					"then `sts.aliyuncs.com`.",
				Validators: []validator.String{endpointValidator{sts: true}},
			},
			"max_retries": schema.Int64Attribute{
				Optional: true,
				Description: "How many times a request that failed with a retryable error (a 5xx answer, a broken " +
					"connection or a timeout) is sent again, with exponential backoff; this covers the requests made to " +
					"get credentials (STS, a credentials URI, the ECS metadata service) too. Default 3; 0 disables these " +
					"retries. VOD's Throttling answers are not counted here: they are retried for up to `read_timeout`. " +
					"The requests that create an image or a category are sent again only when they cannot have reached " +
					"VOD (no connection was made): after any other failure VOD may have carried them out, and the error says so.",
				Validators: []validator.Int64{int64validator.Between(0, 20)},
			},
			"connect_timeout": schema.Int64Attribute{
				Optional:    true,
				Description: "Seconds to wait for a connection to the VOD or STS API. Default 10.",
				Validators:  []validator.Int64{int64validator.Between(1, 300)},
			},
			"read_timeout": schema.Int64Attribute{
				Optional: true,
				Description: "Seconds to wait for the VOD or STS API to answer a request. Default 30. Also how long " +
					"a read keeps retrying when VOD answers Throttling (the account's rate limit): the provider " +
					"slows down and retries until the read succeeds or this time has passed since the first " +
					"Throttling answer.",
				Validators: []validator.Int64{int64validator.Between(1, 600)},
			},
			"batch_reads": schema.BoolAttribute{
				Optional: true,
				Description: "Coalesce concurrent `vod_image` reads that share `output_type` and `auth_timeout` into " +
					"GetImageInfos requests of up to 20 images, so that a plan with many images makes few API calls. " +
					"Results are the same as single reads. Default true.",
			},
			"max_requests_per_second": schema.Float64Attribute{
				Optional: true,
				Description: "A hard ceiling on this provider's VOD requests per second, all API actions and retries " +
					"together. Without it the provider still paces itself: each action starts at its documented " +
					"per-account limit (GetImageInfos 10, SearchMedia 50; GetImageInfo assumed 100), slows down " +
					"when VOD answers Throttling and speeds up again while requests succeed, so that plans sharing " +
					"an account settle on their share of it. Set this to leave room for other users of the account " +
					"or to stay under a lower limit. Default: no ceiling.",
				Validators: []validator.Float64{float64validator.AtLeast(0.1)},
			},
			"skip_region_validation": schema.BoolAttribute{
				Optional: true,
				Description: "Accept a `region` that is not in this provider's list of VOD regions, for regions " +
					"opened after its release (or the deactivated `ap-south-1`). Such a region's endpoint is the one the " +
					"official VOD SDK's endpoint map gives (`vod.aliyuncs.com` for regions such as `cn-qingdao`), else " +
					"`vod.<region>.aliyuncs.com`. Default false.",
			},
		},
		Blocks: map[string]schema.Block{
			"assume_role": schema.SingleNestedBlock{
				Description: "Assume a RAM role with the credentials found otherwise, and sign requests with the " +
					"role's temporary credentials, which are refreshed before they expire.",
				Attributes: map[string]schema.Attribute{
					"role_arn": schema.StringAttribute{
						Optional: true,
						Description: "ARN of the role to assume, such as `acs:ram::123456789012:role/vod-reader`. " +
							"Defaults to the environment variable `ALIBABA_CLOUD_ROLE_ARN`.",
						Validators: []validator.String{stringvalidator.RegexMatches(roleARNPattern,
							"must be a RAM role ARN of the form acs:ram::<account ID>:role/<role name>")},
					},
					"session_name": schema.StringAttribute{
						Optional: true,
						Description: "Name of the role session, shown in ActionTrail. Defaults to the environment " +
							"variable `ALIBABA_CLOUD_ROLE_SESSION_NAME`, then `terraform`.",
						Validators: []validator.String{stringvalidator.RegexMatches(sessionNamePattern,
							"must be 2 to 64 letters, digits or the characters . @ - _")},
					},
					"external_id": schema.StringAttribute{
						Optional:    true,
						Description: "External ID that the role's trust policy requires, if any.",
					},
					"policy": schema.StringAttribute{
						Optional: true,
						Description: "A JSON policy that further restricts the role's permissions for this session. " +
							"It cannot grant more than the role has.",
					},
					"session_expiration": schema.Int64Attribute{
						Optional: true,
						Description: "Validity of the temporary credentials, in seconds, from 900 to 43200 (and at most " +
							"the role's maximum session duration). Default 3600.",
						Validators: []validator.Int64{int64validator.Between(900, 43200)},
					},
				},
			},
		},
	}
}
