# An image is imported by its ID (ImageId).
terraform import vod_image.logo 3e34733b40b9a96ccf5c1ff6f69a0001
