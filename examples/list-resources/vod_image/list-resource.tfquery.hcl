# Every image of the account, oldest first: its identity and its title and ID.
list "vod_image" "all" {
  provider = vod
  limit    = 20000 # Terraform's default is 100 results
  config {}
}

# The catalogue images of 2024, with the vod_image resource's attributes, for
# terraform query -generate-config-out=generated.tf.
list "vod_image" "catalogue_2024" {
  provider         = vod
  include_resource = true
  config {
    tags           = ["catalogue"]
    created_after  = "2024-01-01T00:00:00Z"
    created_before = "2024-12-31T23:59:59Z"
  }
}
