-- learngrid.cache.lock.renew: KEYS[1] the load lock, ARGV = {the caller's token, lock ms}.
-- Compare and extend in one step: a caller whose lock lapsed and went to another loader must not
-- extend that loader's lock.
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 1
