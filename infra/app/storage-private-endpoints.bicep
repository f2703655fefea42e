// Private endpoints for the storage services the app uses (blob and queue),
// each with its private DNS zone linked to the virtual network, so the app
// reaches storage while the account refuses public traffic.

param virtualNetworkName string
param subnetId string
param storageAccountName string
param location string = resourceGroup().location
param tags object = {}

var services = [
  'blob'
  'queue'
]

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' existing = {
  name: virtualNetworkName
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

module dnsZones 'br/public:avm/res/network/private-dns-zone:0.7.1' = [
  for service in services: {
    name: '${service}-private-dns-zone'
    params: {
      name: 'privatelink.${service}.${environment().suffixes.storage}'
      location: 'global'
      tags: tags
      virtualNetworkLinks: [
        {
          name: '${storageAccountName}-${service}-${take(toLower(uniqueString(storageAccountName, virtualNetworkName)), 4)}'
          virtualNetworkResourceId: vnet.id
          registrationEnabled: false
          location: 'global'
          tags: tags
        }
      ]
    }
  }
]

module endpoints 'br/public:avm/res/network/private-endpoint:0.11.0' = [
  for (service, i) in services: {
    name: '${service}-private-endpoint'
    params: {
      name: '${service}-private-endpoint'
      location: location
      tags: tags
      subnetResourceId: subnetId
      privateLinkServiceConnections: [
        {
          name: '${service}-connection'
          properties: {
            privateLinkServiceId: storage.id
            groupIds: [
              service
            ]
          }
        }
      ]
      privateDnsZoneGroup: {
        name: '${service}-dns-zone-group'
        privateDnsZoneGroupConfigs: [
          {
            name: '${service}-a-record'
            privateDnsZoneResourceId: dnsZones[i].outputs.resourceId
          }
        ]
      }
    }
  }
]
