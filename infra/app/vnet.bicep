// A virtual network with two subnets: one for the storage private endpoints,
// one delegated to the function app (Flex Consumption integrates through
// Microsoft.App/environments, so that resource provider must be registered).

param name string
param location string = resourceGroup().location
param tags object = {}

param privateEndpointSubnetName string = 'private-endpoints'
param appSubnetName string = 'app'

module virtualNetwork 'br/public:avm/res/network/virtual-network:0.6.1' = {
  name: 'virtualNetwork'
  params: {
    name: name
    location: location
    tags: tags
    addressPrefixes: [
      '10.0.0.0/16'
    ]
    subnets: [
      {
        name: privateEndpointSubnetName
        addressPrefix: '10.0.1.0/24'
        privateEndpointNetworkPolicies: 'Disabled'
        privateLinkServiceNetworkPolicies: 'Enabled'
      }
      {
        name: appSubnetName
        addressPrefix: '10.0.2.0/24'
        privateEndpointNetworkPolicies: 'Disabled'
        privateLinkServiceNetworkPolicies: 'Enabled'
        delegation: 'Microsoft.App/environments'
      }
    ]
  }
}

output privateEndpointSubnetId string = '${virtualNetwork.outputs.resourceId}/subnets/${privateEndpointSubnetName}'
output appSubnetId string = '${virtualNetwork.outputs.resourceId}/subnets/${appSubnetName}'
