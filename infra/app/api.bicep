// The function app: a Go custom handler on Flex Consumption. The Functions
// host runs the `handler` binary from the package azd uploads to the
// deployment container, and either serves MCP with its MCP extension
// (hosting triggers) or forwards every request to the handler, which is an
// MCP server itself (hosting self).

param name string
param location string = resourceGroup().location
param tags object = {}

@description('The azd service this app implements; azd finds the app by this tag.')
param serviceName string = 'api'

param appServicePlanId string
param storageAccountName string
param deploymentContainerName string
param applicationInsightsName string

@description('Resource id of the user-assigned identity the app runs as.')
param identityId string

@description('Client id of that identity; the host uses it for storage and telemetry.')
param identityClientId string

param instanceMemoryMB int = 2048
param maximumInstanceCount int = 100

@description('Subnet for virtual network integration; empty for none.')
param virtualNetworkSubnetId string = ''

@description('Extra app settings, merged under the ones this module sets.')
param appSettings object = {}

// Built-in authentication (on when authClientId is set).
param authClientId string = ''
param authIdentifierUri string = ''
param authTenantId string = ''
param delegatedPermissions array = [
  'User.Read'
]
param preAuthorizedClientIds array = []

@description('Origins of browser pages allowed to call the app (siteConfig.cors); empty for none. On Flex Consumption the host applies them itself, ahead of the key check, as func start applies Host.CORS.')
param corsAllowedOrigins array = []

@description('Let those origins send credentials. Not with "*".')
param corsSupportCredentials bool = false

@description('triggers: the host\'s MCP extension serves MCP; self: the handler does, behind the mcp-custom-handler profile.')
@allowed([
  'triggers'
  'self'
])
param mcpHosting string = 'triggers'

@secure()
@description('Self hosting: the secret behind MCP_STATE_KEY (set as its base64), which seals confirmations\' request state; empty sets none, and each instance then makes its own.')
param mcpStateKey string = ''

var authEnabled = !empty(authClientId) && !empty(authTenantId)

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

// Identity-based connections only: the storage account accepts no keys.
var hostSettings = {
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
  AzureWebJobsStorage__queueServiceUri: storage.properties.primaryEndpoints.queue
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
}

// Read by built-in authentication: the scope advertised in the protected
// resource metadata, the identity standing in for a client secret, the tenant.
var authSettings = authEnabled
  ? {
      WEBSITE_AUTH_PRM_DEFAULT_WITH_SCOPES: '${authIdentifierUri}/user_impersonation'
      OVERRIDE_USE_MI_FIC_ASSERTION_CLIENTID: identityClientId
      WEBSITE_AUTH_AAD_ALLOWED_TENANTS: authTenantId
    }
  : {}

// The self hosting: the feature flag that turns the preview on (the
// self-hosted samples set it; on Flex Consumption the host then runs the
// handler as the custom worker it is), MCP_HOSTING for the handler,
// MCP_STATE_KEY (one key for every instance, to seal and open the state a
// confirmation's retry carries: base64 of the secret text, which the
// handler reads as key material), and, behind built-in authentication, no
// key check by the host, which would otherwise ask for a key beside the
// token
// (AzureFunctionsJobHost__customHandler__http__DefaultAuthorizationLevel:
// MicrosoftDocs azure-docs includes/functions-self-hosted-disable-key-access.md).
var selfHostedSettings = mcpHosting == 'self'
  ? union(
      {
        MCP_HOSTING: 'self'
        AzureWebJobsFeatureFlags: 'EnableMcpCustomHandlerPreview'
      },
      empty(mcpStateKey)
        ? {}
        : {
            MCP_STATE_KEY: base64(mcpStateKey)
          },
      authEnabled
        ? {
            AzureFunctionsJobHost__customHandler__http__DefaultAuthorizationLevel: 'anonymous'
          }
        : {}
    )
  : {}

// Flex Consumption has no always-on; the module's default turns it on.
var baseSiteConfig = {
  alwaysOn: false
}

// CORS only when origins are given: none by default, as under func start.
var corsSiteConfig = empty(corsAllowedOrigins)
  ? {}
  : {
      cors: {
        allowedOrigins: corsAllowedOrigins
        supportCredentials: corsSupportCredentials
      }
    }

var appSettingsConfig = {
  name: 'appsettings'
  properties: union(appSettings, hostSettings, authSettings, selfHostedSettings)
}

var authConfig = {
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
      runtimeVersion: '~1'
    }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: 'Return401'
      redirectToProvider: 'azureactivedirectory'
    }
    httpSettings: {
      requireHttps: true
      routes: {
        apiPrefix: '/.auth'
      }
      forwardProxy: {
        convention: 'NoProxy'
      }
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          openIdIssuer: '${environment().authentication.loginEndpoint}${authTenantId}/v2.0'
          clientId: authClientId
          clientSecretSettingName: 'OVERRIDE_USE_MI_FIC_ASSERTION_CLIENTID'
        }
        login: {
          loginParameters: [
            'scope=openid profile email ${join(delegatedPermissions, ' ')}'
          ]
        }
        validation: {
          allowedAudiences: [
            authIdentifierUri
          ]
          defaultAuthorizationPolicy: {
            allowedPrincipals: {}
            allowedApplications: union([authClientId], preAuthorizedClientIds)
          }
        }
        isAutoProvisioned: false
      }
    }
    login: {
      routes: {
        logoutEndpoint: '/.auth/logout'
      }
      tokenStore: {
        enabled: true
        tokenRefreshExtensionHours: 72
        fileSystem: {}
        azureBlobStorage: {}
      }
      preserveUrlFragmentsForLogins: false
      allowedExternalRedirectUrls: []
      cookieExpiration: {
        convention: 'FixedTime'
        timeToExpiration: '08:00:00'
      }
      nonce: {
        validateNonce: true
        nonceExpirationInterval: '00:05:00'
      }
    }
  }
}

module app 'br/public:avm/res/web/site:0.21.0' = {
  name: '${serviceName}-flex-consumption'
  params: {
    name: name
    location: location
    kind: 'functionapp,linux'
    tags: union(tags, {
      'azd-service-name': serviceName
    })
    serverFarmResourceId: appServicePlanId
    managedIdentities: {
      userAssignedResourceIds: [
        identityId
      ]
    }
    configs: authEnabled ? [appSettingsConfig, authConfig] : [appSettingsConfig]
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      // A custom handler: the host runs host.json's executable. Flex Consumption
      // knows this runtime only as version '1.0'.
      runtime: {
        name: 'custom'
        version: '1.0'
      }
    }
    siteConfig: union(baseSiteConfig, corsSiteConfig)
    virtualNetworkSubnetResourceId: !empty(virtualNetworkSubnetId) ? virtualNetworkSubnetId : null
  }
}

output name string = app.outputs.name
output defaultHostname string = app.outputs.defaultHostname
