-- Redeem presents refresh token ARGV[1] of the family whose hash is KEYS[1], at ARGV[2]
-- (Unix ms), with a grace window of ARGV[3] ms, proposing ARGV[4] (issued ARGV[5],
-- expiring ARGV[6], Unix ms) as its successor. Redis runs it as one step: no other call,
-- from any instance, can come between the check and the write. See server.Store.Redeem.
--
-- The hash: live, iat, exp (the live token), spent, spentAt (the token spent last).
-- Replies: {'dead'}, {'reused'}, or {'redeemed' | 'graced', jti, iat, exp} of the successor.
local key = KEYS[1]
local jti, now, grace = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local nextID, nextIat, nextExp = ARGV[4], ARGV[5], ARGV[6]

local f = redis.call('HMGET', key, 'live', 'iat', 'exp', 'spent', 'spentAt')
local live, iat, exp, spent, spentAt = f[1], f[2], f[3], f[4], f[5]
if not live then
  return {'dead'}
end
if now >= tonumber(exp) then
  redis.call('DEL', key)
  return {'dead'}
end
if jti == live then
  redis.call('HSET', key, 'live', nextID, 'iat', nextIat, 'exp', nextExp, 'spent', jti, 'spentAt', now)
  -- The family lives as long as its live token: that is what the key guards.
  redis.call('PEXPIRE', key, tonumber(nextExp) - now)
  return {'redeemed', nextID, nextIat, nextExp}
end
if jti == spent then
  if live == nextID then
    return {'redeemed', live, iat, exp} -- this very call, retried after a lost reply
  end
  if now - tonumber(spentAt) < grace then
    return {'graced', live, iat, exp}
  end
end
-- Spent before: reuse. Forgetting the family revokes it.
redis.call('DEL', key)
return {'reused'}
