import {
  to = vod_category.spring
  id = "1000123456"
}
