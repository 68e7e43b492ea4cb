# Credentials and region from the environment (ALIBABA_CLOUD_ACCESS_KEY_ID,
# ALIBABA_CLOUD_ACCESS_KEY_SECRET, ALIBABA_CLOUD_REGION): nothing secret in the configuration.
provider "vod" {}

# Or explicitly, for example against a VPC endpoint.
provider "vod" {
  alias    = "shanghai_vpc"
  region   = "cn-shanghai"
  endpoint = "https://vod-vpc.cn-shanghai.aliyuncs.com"
}
