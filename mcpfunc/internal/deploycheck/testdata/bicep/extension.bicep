// Valid Bicep whose `extension` line the grammar does not know: the check
// masks it, so this file must pass.
extension microsoftGraphV1

param uniqueName string

resource app 'Microsoft.Graph/applications@v1.0' = {
  uniqueName: uniqueName
  displayName: uniqueName
}
