-- ArgoCD health check for ses.mre.dev/MultiRegionEndpoint (ses-mre-operator).
-- The operator writes kstatus conditions (Ready, Reconciling, Stalled) and status.observedGeneration on every
-- status write. Works without the Lua standard libraries (ArgoCD's default for argocd-cm customizations):
-- only base-library functions are used.
local hs = {}

local function findCondition(conditions, conditionType)
  if conditions == nil then
    return nil
  end
  for _, c in ipairs(conditions) do
    if c.type == conditionType then
      return c
    end
  end
  return nil
end

local function isTrue(condition)
  return condition ~= nil and condition.status == "True"
end

local function describe(condition, fallback)
  if condition ~= nil and condition.message ~= nil and condition.message ~= "" then
    return condition.message
  end
  if condition ~= nil and condition.reason ~= nil and condition.reason ~= "" then
    return condition.reason
  end
  return fallback
end

local status = obj.status
local conditions = nil
if status ~= nil then
  conditions = status.conditions
end
local ready = findCondition(conditions, "Ready")
local reconciling = findCondition(conditions, "Reconciling")
local stalled = findCondition(conditions, "Stalled")

-- 1. Being deleted: the finalizer holds the object until SES has deleted the endpoint. (ArgoCD itself answers
-- Progressing "Pending deletion" for an object being deleted before it runs this script; this branch gives the same
-- status, with the operator's message, wherever the script is run directly, e.g. by ArgoCD's test harness.)
if obj.metadata ~= nil and obj.metadata.deletionTimestamp ~= nil then
  hs.status = "Progressing"
  if isTrue(stalled) then
    hs.message = "Deleting, blocked: " .. describe(stalled, "stalled")
  elseif isTrue(reconciling) then
    hs.message = "Deleting: " .. describe(reconciling, "in progress")
  else
    hs.message = "Deleting"
  end
  return hs
end

-- 2. Nothing reported yet.
if status == nil or conditions == nil or #conditions == 0 then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator"
  return hs
end

-- 3. The status describes an older spec: wait for the operator to catch up (kstatus: InProgress).
local generation = nil
if obj.metadata ~= nil then
  generation = obj.metadata.generation
end
local observed = status.observedGeneration
if generation ~= nil and (observed == nil or observed < generation) then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe generation " .. tostring(generation)
  return hs
end

-- 4. Needs a human: invalid spec, name owned by someone else, quota, SES reported FAILED, access denied.
if isTrue(stalled) then
  hs.status = "Degraded"
  hs.message = describe(stalled, "Stalled")
  return hs
end

-- 5. SES reports READY and the spec (tags included) is applied for this generation.
if isTrue(ready) and (generation == nil or observed == generation) then
  hs.status = "Healthy"
  hs.message = describe(ready, "Ready")
  return hs
end

-- 6. Idle on purpose: handed over to another cluster (only deleting the object is left to do here), or paused by the
-- annotation (no SES call until it goes). ArgoCD's Suspended, not a Progressing that never ends.
if ready ~= nil and ready.reason == "HandedOver" then
  hs.status = "Suspended"
  hs.message = describe(ready, "HandedOver")
  return hs
end
if reconciling ~= nil and reconciling.reason == "Paused" then
  hs.status = "Suspended"
  hs.message = describe(reconciling, "Paused")
  return hs
end

-- 7. Work under way: creating, recreating, throttled, retrying a transient AWS error.
if isTrue(reconciling) then
  hs.status = "Progressing"
  hs.message = describe(reconciling, "Reconciling")
  return hs
end

hs.status = "Progressing"
hs.message = "Waiting for the operator"
return hs
