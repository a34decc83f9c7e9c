package dev.mre.operator.reconcile;

import java.util.Map;
import java.util.Set;

/** The one SES mutation (or none) a reconciliation performs; the next reconciliation observes its effect. */
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

    /** Deletion only: let the finalizer go. */
    record Release() implements Step {}

    Step WAIT = new Wait();
    Step CREATE = new Create();
    Step DELETE = new Delete();
    Step RELEASE = new Release();
}
