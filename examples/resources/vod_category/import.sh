# A category is imported by its ID (CateId), as the console shows it under Configuration
# Management > Media Management > Categories, or data "vod_categories" lists it.
terraform import vod_category.spring 1000123456
