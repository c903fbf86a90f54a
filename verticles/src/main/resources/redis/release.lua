-- learngrid.cache.fill without a value (the load failed): KEYS[1] the load lock, ARGV[1] the
-- caller's token. The lock goes at once so that others load themselves, but only if it is still
-- the caller's: compare and delete in one step, or a lock that lapsed and went to another loader
-- would be taken from that loader.
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
