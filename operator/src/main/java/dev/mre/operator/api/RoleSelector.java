package dev.mre.operator.api;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Maps namespaces to an IAM role the operator assumes for their MultiRegionEndpoints: the AWS account a team's
 * endpoints live in, decided by cluster administrators (cluster-scoped, so no tenant can write it). The CRD in
 * {@code crds/} is generated from this class.
 */
@Group(MultiRegionEndpoint.GROUP)
@Version(MultiRegionEndpoint.VERSION)
@Kind("RoleSelector")
@Plural("roleselectors")
@Singular("roleselector")
@ShortNames("sesrs")
@Categories({"ses", "aws"})
@ValidationRule(value = "has(self.spec)", message = "spec is required")
@AdditionalPrinterColumn(name = "Role", jsonPath = ".spec.roleArn", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Namespaces",
        jsonPath = ".spec.namespaceSelector.names",
        type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(
        name = "Age",
        jsonPath = ".metadata.creationTimestamp",
        type = AdditionalPrinterColumn.Type.DATE)
public class RoleSelector extends CustomResource<RoleSelectorSpec, Void> {}
