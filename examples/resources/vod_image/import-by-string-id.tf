import {
  to = vod_image.logo
  id = "3e34733b40b9a96ccf5c1ff6f69a0001"
}
