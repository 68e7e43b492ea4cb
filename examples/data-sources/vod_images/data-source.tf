# Images listed by ID: one GetImageInfos request per 20 IDs, in the order given.
data "vod_images" "gallery" {
  ids = [
    "3e34733b40b9a96ccf5c1ff6f69a0002",
    "3e34733b40b9a96ccf5c1ff6f69a0001",
  ]
  output_type    = "oss"
  auth_timeout   = 3600
  ignore_missing = true
}

# Images selected by what they are, newest first.
data "vod_images" "covers_2024" {
  filter {
    tags           = ["cover"]
    status         = ["Normal"]
    created_after  = "2024-01-01T00:00:00Z"
    created_before = "2024-12-31T23:59:59Z"
  }
  sort        = "CreationTime:Desc"
  max_results = 200
  output_type = "cdn"
}

# Images filed under a category, found by its path in the category tree.
data "vod_categories" "spring" {
  path = "covers/2024/spring"
}

data "vod_images" "spring_covers" {
  filter {
    cate_id = data.vod_categories.spring.id
  }
}

output "gallery_urls" {
  value = [for image in data.vod_images.gallery.images : image.url]
}

output "gallery_missing" {
  value = data.vod_images.gallery.missing_ids
}

output "covers_2024" {
  value = {
    for image in data.vod_images.covers_2024.images : image.image_id => {
      title  = image.title
      url    = image.url
      width  = image.mezzanine.width
      height = image.mezzanine.height
    }
  }
}
