// A Bicep file with a syntax error on line 6: a property with no value.
param location string = resourceGroup().location

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  location: location
  name: = 'example'
  kind: 'StorageV2'
}
