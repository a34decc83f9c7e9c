package dev.mre.operator.reconcile;

import java.util.Map;
import java.util.Set;

/** The one SES call (or none) a plan asks for; the next reconciliation observes its effect. */
public sealed interface Step {

    record Wait() implements Step {}

    record Create() implements Step {}

    record Delete() implements Step {}

    /** TagResource with {@code add}, UntagResource with {@code remove}; either may be empty. */
    record SyncTags(Map<String, String> add, Set<String> remove) implements Step {
        public SyncTags {
            add = Map.copyOf(add);
            remove = Set.copyOf(remove);
        }
    }

    /**
     * ListTagsForResource, then decide again: the decision needs to know who owns the endpoint, and a Delete,
     * TagResource or UntagResource is never sent without the owner tag just read from SES.
     */
    record ReadTags() implements Step {}

    /** Deletion only: let the finalizer go. */
    record Release() implements Step {}

    Step WAIT = new Wait();
    Step CREATE = new Create();
    Step DELETE = new Delete();
    Step READ_TAGS = new ReadTags();
    Step RELEASE = new Release();

    /** Steps that change or remove someone's endpoint: allowed only with the owner tag read from SES. */
    default boolean needsProofOfOwnership() {
        return this instanceof Delete || this instanceof SyncTags;
    }
}
