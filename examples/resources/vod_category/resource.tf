# A tree of three levels, the most VOD allows for audio, video and images: covers > 2024 > spring.
resource "vod_category" "covers" {
  name = "covers"
}

resource "vod_category" "covers_2024" {
  name      = "2024"
  parent_id = vod_category.covers.id
}

resource "vod_category" "spring" {
  name      = "spring"
  parent_id = vod_category.covers_2024.id
}

resource "vod_category" "summer" {
  name      = "summer"
  parent_id = vod_category.covers_2024.id
}

# The images filed under a category: anything that takes a cate_id takes the resource's id.
data "vod_images" "spring_covers" {
  filter {
    cate_id = vod_category.spring.id
    status  = ["Normal"]
  }
}

output "spring_cover_urls" {
  value = { for image in data.vod_images.spring_covers.images : image.title => image.url }
}

# A category of short video materials goes under one of VOD's built-in top-level material
# categories (they cannot be added, renamed or deleted).
data "vod_categories" "material" {
  type = "material"
}

resource "vod_category" "intro_clips" {
  name      = "intro clips"
  type      = "material"
  parent_id = data.vod_categories.material.categories[0].id
}
