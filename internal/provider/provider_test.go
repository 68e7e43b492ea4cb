package provider_test

import (
	"testing"

	"github.com/vodtf/terraform-provider-vod/internal/acctest"
)

func TestMain(m *testing.M) { acctest.Main(m) }
