# One category found by its path from the top level: its id is what cate_id arguments take,
# instead of a number copied from the console.
data "vod_categories" "spring" {
  path = "covers/2024/spring"
}

# The images filed under it.
data "vod_images" "spring_covers" {
  filter {
    cate_id = data.vod_categories.spring.id
  }
}

# A name that only one category has finds it at any level; its subtree follows it.
data "vod_categories" "covers" {
  name = "covers"
}

# The whole tree of audio, video and image categories, parents before their children.
data "vod_categories" "all" {}

output "spring_id" {
  value = data.vod_categories.spring.id
}

output "spring_cover_titles" {
  value = [for image in data.vod_images.spring_covers.images : image.title]
}

# "covers" => 1000123450, "covers/2024" => 1000123451, "covers/2024/spring" => 1000123456, ...
output "category_ids_by_path" {
  value = { for c in data.vod_categories.all.categories : c.path => c.id }
}
