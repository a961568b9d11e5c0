provider "aws" {
  region     = "eu-west-1"
  access_key = var.aws_access_key
  secret_key = var.aws_secret_key
}

resource "azurerm_mssql_server" "db" {
  name                         = "shop-sql"
  administrator_login          = "sqladmin"
  administrator_login_password = "{{base62:12}}_{{base62:5}}"  ⟦hashicorp-tf-password⟧
}

resource "random_password" "db" {
  length  = 24
  special = true
}

locals {
  storage = "DefaultEndpointsProtocol=https;AccountName=shopstore;AccountKey={{base64:86}}==;EndpointSuffix=core.windows.net"  ⟦azure-storage-account-key⟧
  tfc_token = "{{base62:14}}.atlasv1.{{base64url:67}}"  ⟦hashicorp-tf-api-token⟧
}
