<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en_US">
<context>
    <name>AppointmentCheckin</name>
    <message>
        <source>Check in for your appointment. Choose: scan the QR code from your booking message, or type your phone number.</source>
        <translation>预约签到。请选择：扫描预约短信里的二维码，或者输入手机号。</translation>
    </message>
    <message>
        <source>Hold the QR code on your phone up to the camera above the screen. Or use your phone number instead.</source>
        <translation>请把手机上的二维码对准屏幕上方的摄像头。也可以改用手机号。</translation>
    </message>
    <message>
        <source>Type the mobile phone number you booked with, then press Next.</source>
        <translation>请输入预约时用的手机号，然后按“下一步”。</translation>
    </message>
    <message>
        <source>Type the 6 letters and numbers of your booking code, then press Find my appointment.</source>
        <translation>请输入预约码的6位字母和数字，然后按“查找我的预约”。</translation>
    </message>
    <message>
        <source>Please wait a moment.</source>
        <translation>请稍候。</translation>
    </message>
    <message>
        <source>Is this your appointment? Press Yes, check me in, or No, this is not mine.</source>
        <translation>这是您的预约吗？请按“是，帮我签到”，或者“不是我的”。</translation>
    </message>
    <message>
        <source>. </source>
        <translation>。</translation>
    </message>
    <message>
        <source>You&apos;re next.</source>
        <translation>下一位就是您。</translation>
    </message>
    <message numerus="yes">
        <source>%n people ahead of you</source>
        <translation>
            <numerusform>前面还有%n人</numerusform>
        </translation>
    </message>
    <message>
        <source>, </source>
        <translation>，</translation>
    </message>
    <message numerus="yes">
        <source>about %n minutes</source>
        <translation>
            <numerusform>大约等%n分钟</numerusform>
        </translation>
    </message>
    <message>
        <source>Your number is %1.</source>
        <translation>您的号码是%1。</translation>
    </message>
    <message>
        <source>.</source>
        <translation>。</translation>
    </message>
    <message>
        <source>The printer is not working, so please remember your number or photograph the code on the screen.</source>
        <translation>打印机暂时不能用，请记住您的号码，或者拍下屏幕上的二维码。</translation>
    </message>
    <message>
        <source>Please take your ticket from the slot below the screen, then wait until your number is called.</source>
        <translation>请从屏幕下方的出票口取走号票，然后等候叫号。</translation>
    </message>
    <message>
        <source>The camera is not connected. Please ask staff for help.</source>
        <translation>摄像头没有连接。请找工作人员帮忙。</translation>
    </message>
    <message>
        <source>The camera picture has stopped. Please wait a moment or ask staff.</source>
        <translation>摄像头画面停住了。请稍等，或找工作人员帮忙。</translation>
    </message>
    <message>
        <source>The picture is too dark. Please stand in the light or ask staff.</source>
        <translation>画面太暗了。请站到亮一点的地方，或找工作人员帮忙。</translation>
    </message>
    <message>
        <source>This appointment is already checked in</source>
        <translation>此预约已签到</translation>
    </message>
    <message>
        <source>This appointment was cancelled</source>
        <translation>此预约已取消</translation>
    </message>
    <message>
        <source>This appointment was marked as missed</source>
        <translation>此预约已标记为过号</translation>
    </message>
    <message>
        <source>It is too early to check in</source>
        <translation>现在签到还太早</translation>
    </message>
    <message>
        <source>The check-in time has passed</source>
        <translation>签到时间已过</translation>
    </message>
    <message>
        <source>Your appointment is on another day</source>
        <translation>您的预约不在今天</translation>
    </message>
    <message>
        <source>We could not find your appointment</source>
        <translation>没有找到您的预约</translation>
    </message>
    <message>
        <source>The camera is not working right now</source>
        <translation>摄像头暂时无法使用</translation>
    </message>
    <message>
        <source>We could not read a QR code</source>
        <translation>没有识别到二维码</translation>
    </message>
    <message>
        <source>Sorry, something went wrong</source>
        <translation>抱歉，出了点问题</translation>
    </message>
    <message>
        <source>This QR code is not a branch appointment</source>
        <translation>这个二维码不是网点预约码</translation>
    </message>
    <message>
        <source>You are already in the queue. If you have lost your ticket, we can print it again.</source>
        <translation>您已经在排队了。如果号票丢了，可以重新打印。</translation>
    </message>
    <message>
        <source>If you have lost your ticket, please ask a member of staff.</source>
        <translation>如果您的排队凭条丢失，请咨询工作人员。</translation>
    </message>
    <message>
        <source>You can book again online, or a member of staff can help you now.</source>
        <translation>您可以在网上重新预约，或请工作人员现在为您办理。</translation>
    </message>
    <message>
        <source>Please ask a member of staff.</source>
        <translation>请咨询工作人员。</translation>
    </message>
    <message>
        <source>Check-in opens at %1. Please come back then.</source>
        <translation>%1 起可以签到，请到时再来。</translation>
    </message>
    <message>
        <source>Please ask a member of staff. They can still help you today.</source>
        <translation>请咨询工作人员，今天仍可为您办理。</translation>
    </message>
    <message>
        <source>Your appointment is on %1. Please come back that day.</source>
        <translation>您的预约日期是 %1，请当天再来。</translation>
    </message>
    <message>
        <source>The phone number and booking code did not match several times. Please ask a member of staff or call a teller.</source>
        <translation>手机号和预约码多次不匹配。请咨询工作人员，或呼叫柜员。</translation>
    </message>
    <message>
        <source>Please use your phone number and booking code instead.</source>
        <translation>请改用手机号和预约码签到。</translation>
    </message>
    <message>
        <source>Or use your phone number and booking code instead.</source>
        <translation>也可以改用手机号码和预约码。</translation>
    </message>
    <message>
        <source>Hold your phone a little closer to the camera, or use your phone number and booking code.</source>
        <translation>请把手机靠近摄像头一些，或改用手机号和预约码。</translation>
    </message>
    <message>
        <source>Please show the QR code from your booking message, or use your phone number and booking code.</source>
        <translation>请出示预约短信中的二维码，或改用手机号和预约码。</translation>
    </message>
    <message>
        <source>Please check your phone number and booking code. Tries left: %1</source>
        <translation>请核对手机号和预约码。还可以尝试 %1 次。</translation>
    </message>
    <message>
        <source>Check in for your appointment</source>
        <translation>预约签到</translation>
    </message>
    <message>
        <source>How would you like to find your booking?</source>
        <translation>请选择查找预约的方式：</translation>
    </message>
    <message>
        <source>Scan my QR code</source>
        <translation>扫描预约二维码</translation>
    </message>
    <message>
        <source>Show the QR code from your booking message to the camera.</source>
        <translation>把预约短信中的二维码对准摄像头。</translation>
    </message>
    <message>
        <source>Type my phone number</source>
        <translation>输入手机号</translation>
    </message>
    <message>
        <source>Then type the booking code from your booking message.</source>
        <translation>然后输入预约短信里的预约码。</translation>
    </message>
    <message>
        <source>Hold your QR code up to the camera</source>
        <translation>请把二维码对准摄像头</translation>
    </message>
    <message>
        <source>The camera is just above this screen. Turn up your phone&apos;s brightness.</source>
        <translation>摄像头在屏幕正上方。请调亮手机屏幕。</translation>
    </message>
    <message>
        <source>Looking for a QR code…</source>
        <translation>正在识别二维码…</translation>
    </message>
    <message>
        <source>Use phone number instead</source>
        <translation>改用手机号签到</translation>
    </message>
    <message>
        <source>Enter your mobile phone number</source>
        <translation>请输入手机号</translation>
    </message>
    <message>
        <source>The number you booked with</source>
        <translation>预约时使用的手机号</translation>
    </message>
    <message numerus="yes">
        <source>%n digits typed</source>
        <translation>
            <numerusform>已输入%n位</numerusform>
        </translation>
    </message>
    <message>
        <source> · </source>
        <translation>，</translation>
    </message>
    <message>
        <source>A mobile number has 11 digits.</source>
        <translation>手机号共11位。</translation>
    </message>
    <message>
        <source>Next</source>
        <translation>下一步</translation>
    </message>
    <message>
        <source>Enter your booking code</source>
        <translation>请输入预约码</translation>
    </message>
    <message>
        <source>6 letters and numbers, from your booking message.</source>
        <translation>6 位字母和数字，见预约短信。</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Find my appointment</source>
        <translation>查找我的预约</translation>
    </message>
    <message>
        <source>Checking you in and printing your ticket…</source>
        <translation>正在签到并打印排队凭条…</translation>
    </message>
    <message>
        <source>Looking for your appointment…</source>
        <translation>正在查找您的预约…</translation>
    </message>
    <message>
        <source>Is this your appointment?</source>
        <translation>这是您的预约吗？</translation>
    </message>
    <message>
        <source>Today, %1</source>
        <translation>今天 %1</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>姓名</translation>
    </message>
    <message>
        <source>Phone</source>
        <translation>手机</translation>
    </message>
    <message>
        <source>Yes, check me in</source>
        <translation>是的，签到</translation>
    </message>
    <message>
        <source>No, this is not mine</source>
        <translation>不是我的预约</translation>
    </message>
    <message>
        <source>You are checked in</source>
        <translation>签到成功</translation>
    </message>
    <message>
        <source>You are checked in. Your ticket is printed — please tear it off.</source>
        <translation>您已签到。凭条已打印，请将它撕下。</translation>
    </message>
    <message>
        <source>You are checked in. Please take your ticket.</source>
        <translation>签到成功，请取走排队凭条。</translation>
    </message>
    <message>
        <source>The printer stopped part-way. Please ignore any piece of paper that came out. Your ticket is here on screen: please remember your number, or photograph this code. Staff can print your ticket later.</source>
        <translation>打印机打印到一半停了。出来的纸条请不要理会。您的凭条显示在屏幕上：请记住您的排队号，或拍下这个二维码。工作人员稍后可为您补打凭条。</translation>
    </message>
    <message>
        <source>The printer is not working right now, so there is no paper ticket. Please remember your number, or photograph this code. Staff can print your ticket later.</source>
        <translation>打印机暂时无法使用，没有纸质凭条。请记住您的排队号，或拍下这个二维码。工作人员稍后可为您补打凭条。</translation>
    </message>
    <message>
        <source>The printer could not cut the paper. Please pull your ticket gently and tear it off at the slot.</source>
        <translation>打印机没能切纸。请轻轻拉住凭条，在出纸口处撕下。</translation>
    </message>
    <message>
        <source>Please take your ticket from the slot below the screen.</source>
        <translation>请从屏幕下方的出票口取走您的号票。</translation>
    </message>
    <message>
        <source>Please wait until your number is called.</source>
        <translation>请留意叫号。</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Scan again</source>
        <translation>重新扫描</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>重新输入</translation>
    </message>
    <message>
        <source>Print my ticket again</source>
        <translation>重新打印号票</translation>
    </message>
    <message>
        <source>Call a teller</source>
        <translation>呼叫柜员</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>Attract</name>
    <message>
        <source>Welcome</source>
        <translation>欢迎光临</translation>
    </message>
    <message>
        <source>Debit cards · Appointments · Help from a teller</source>
        <translation>办理借记卡 · 预约签到 · 柜员协助</translation>
    </message>
    <message>
        <source>Touch the screen to start</source>
        <translation>请触摸屏幕开始</translation>
    </message>
    <message>
        <source>Getting ready…</source>
        <translation>正在准备…</translation>
    </message>
</context>
<context>
    <name>AttractScreen</name>
    <message>
        <source>Welcome. Touch the screen to start. You can also choose larger text or high contrast, or call a teller.</source>
        <translation>欢迎光临。请触摸屏幕开始。您也可以选择大字或高对比度，或者呼叫柜员。</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
</context>
<context>
    <name>CallConnecting</name>
    <message>
        <source>A teller is answering your call. The video is starting. You can cancel the call.</source>
        <translation>柜员正在接听您的呼叫，正在打开视频。您可以取消呼叫。</translation>
    </message>
    <message>
        <source>%1 is answering your call</source>
        <translation>柜员 %1 正在接听</translation>
    </message>
    <message>
        <source>A teller is answering your call</source>
        <translation>柜员正在接听您的呼叫</translation>
    </message>
    <message>
        <source>Starting the video. This takes a few seconds.</source>
        <translation>正在打开视频，请稍等几秒钟。</translation>
    </message>
    <message>
        <source>Cancel the call</source>
        <translation>取消呼叫</translation>
    </message>
</context>
<context>
    <name>CallConsent</name>
    <message>
        <source>Talk to a teller on video? The teller will see and hear you, and the call is recorded. Choose yes, call a teller, or no, thank you.</source>
        <translation>要和柜员视频通话吗？柜员能看到、听到您，通话会录像。请选择“同意，呼叫柜员”或“不用了，谢谢”。</translation>
    </message>
    <message>
        <source>Talk to a teller on video?</source>
        <translation>和柜员视频通话吗？</translation>
    </message>
    <message>
        <source>The teller will see and hear you through this machine&apos;s camera and microphone, so they can help you and check your ID card.</source>
        <translation>柜员会通过本机的摄像头和麦克风看到您、听到您，这样才能为您办理业务、核对您的身份证。</translation>
    </message>
    <message>
        <source>The call is recorded and kept safely by the bank as proof of what was agreed. Only the bank can see it.</source>
        <translation>通话会被录音录像，由银行妥善保管，作为办理业务的凭证。只有银行能查看。</translation>
    </message>
    <message>
        <source>Is that all right?</source>
        <translation>您同意吗？</translation>
    </message>
    <message>
        <source>Yes, call a teller</source>
        <translation>同意，呼叫柜员</translation>
    </message>
    <message>
        <source>No, thank you</source>
        <translation>不用了，谢谢</translation>
    </message>
</context>
<context>
    <name>CallDocument</name>
    <message>
        <source>Your teller has sent a document. Read it, then sign with your finger and confirm, or choose that you do not want to sign.</source>
        <translation>柜员给您发来一份文件。请阅读后用手指签名并确认，或选择不签。</translation>
    </message>
    <message>
        <source>Please read this, then sign it</source>
        <translation>请阅读这份文件，然后签名</translation>
    </message>
    <message>
        <source>Your teller</source>
        <translation>您的柜员</translation>
    </message>
    <message>
        <source>Slide up to read more ↓</source>
        <translation>向上滑动，查看更多 ↓</translation>
    </message>
    <message>
        <source>Document code. The same code is on your teller&apos;s screen:</source>
        <translation>文件核对码（柜员的屏幕上显示同样的号码）：</translation>
    </message>
    <message>
        <source>This document could not be checked, so it cannot be signed here. Please tell the teller.</source>
        <translation>这份文件无法核对，不能在这里签名。请告诉柜员。</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>重签</translation>
    </message>
    <message>
        <source>Confirm signature</source>
        <translation>确认签名</translation>
    </message>
    <message>
        <source>I do not want to sign</source>
        <translation>我不想签名</translation>
    </message>
    <message>
        <source>Thank you. Your answer is on its way to the teller.</source>
        <translation>谢谢。您的决定正在发送给柜员。</translation>
    </message>
</context>
<context>
    <name>CallEnded</name>
    <message>
        <source>The teller has ended the call. You can go back to the services.</source>
        <translation>柜员已结束通话。您可以返回服务首页。</translation>
    </message>
    <message>
        <source>The teller has ended the call</source>
        <translation>柜员已结束通话</translation>
    </message>
    <message>
        <source>Thank you for calling. If you still need help, you can call again or go to the counter.</source>
        <translation>感谢您的来电。如果还需要帮助，可以再次呼叫，或到柜台办理。</translation>
    </message>
    <message>
        <source>Back to the services</source>
        <translation>返回业务菜单</translation>
    </message>
</context>
<context>
    <name>CallInCall</name>
    <message>
        <source>You are talking to a teller on video. You can turn the microphone off or on, or end the call.</source>
        <translation>您正在和柜员视频通话。您可以关闭或打开麦克风，或结束通话。</translation>
    </message>
    <message>
        <source>The teller cannot see you well: the picture is too dark. Please stand in the light.</source>
        <translation>画面太暗，柜员看不清您。请站到光亮处。</translation>
    </message>
    <message>
        <source>The camera picture has stopped, so the teller cannot see you. They can still hear you.</source>
        <translation>摄像头画面停住了，柜员看不到您，但仍能听到您说话。</translation>
    </message>
    <message>
        <source>The camera is not working, so the teller cannot see you. They can still hear you.</source>
        <translation>摄像头无法使用，柜员看不到您，但仍能听到您说话。</translation>
    </message>
    <message>
        <source>Your teller is printing a document for you. Please take it from the printer.</source>
        <translation>柜员正在为您打印文件，请从出纸口取走。</translation>
    </message>
    <message>
        <source>Your teller has sent you a document to sign.</source>
        <translation>柜员给您发来一份需要签名的文件。</translation>
    </message>
    <message>
        <source>Your teller has confirmed who you are. You can go on.</source>
        <translation>柜员已确认您的身份，您可以继续办理。</translation>
    </message>
    <message>
        <source>Please show your ID card to the camera again.</source>
        <translation>请再次把身份证对准摄像头。</translation>
    </message>
    <message>
        <source>Your teller could not confirm who you are.</source>
        <translation>柜员未能确认您的身份。</translation>
    </message>
    <message>
        <source>You can go on by yourself now.</source>
        <translation>现在您可以自己继续办理了。</translation>
    </message>
    <message>
        <source>You are talking to</source>
        <translation>正在为您服务的是</translation>
    </message>
    <message>
        <source>a bank teller</source>
        <translation>银行柜员</translation>
    </message>
    <message>
        <source>Recording</source>
        <translation>正在录像</translation>
    </message>
    <message>
        <source>The teller&apos;s picture is on its way…</source>
        <translation>柜员的画面马上就到…</translation>
    </message>
    <message>
        <source>You</source>
        <translation>您</translation>
    </message>
    <message>
        <source>Your microphone is off. The teller cannot hear you.</source>
        <translation>麦克风已关闭，柜员听不到您说话。</translation>
    </message>
    <message>
        <source>Speak normally. The teller can see and hear you.</source>
        <translation>请正常说话，柜员能看到您、听到您。</translation>
    </message>
    <message>
        <source>Turn on microphone</source>
        <translation>打开麦克风</translation>
    </message>
    <message>
        <source>Turn off microphone</source>
        <translation>关闭麦克风</translation>
    </message>
    <message>
        <source>End the call</source>
        <translation>结束通话</translation>
    </message>
</context>
<context>
    <name>CallNoTeller</name>
    <message>
        <source>Type your mobile number with the keys, then book the call back, or go back.</source>
        <translation>请用按键输入手机号码，然后预约回电，或返回上一步。</translation>
    </message>
    <message>
        <source>No teller is free right now. Choose a time for us to phone you back, or go back to the services.</source>
        <translation>现在没有空闲的柜员。请选择我们给您回电的时间，或返回服务首页。</translation>
    </message>
    <message>
        <source>No teller is free right now. Please go to the counter, or go back to the services.</source>
        <translation>现在没有空闲的柜员。请到柜台办理，或返回服务首页。</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <source>Tomorrow</source>
        <translation>明天</translation>
    </message>
    <message>
        <source>We will phone you today at %1.</source>
        <translation>我们会在今天 %1 给您打电话。</translation>
    </message>
    <message>
        <source>We will phone you tomorrow at %1.</source>
        <translation>我们会在明天 %1 给您打电话。</translation>
    </message>
    <message>
        <source>We will phone you on %1 at %2.</source>
        <translation>我们会在 %1 %2 给您打电话。</translation>
    </message>
    <message>
        <source>Your mobile number</source>
        <translation>您的手机号码</translation>
    </message>
    <message>
        <source>Tellers are not working at this hour</source>
        <translation>现在不是柜员的工作时间</translation>
    </message>
    <message>
        <source>No teller is working right now</source>
        <translation>现在没有柜员在岗</translation>
    </message>
    <message>
        <source>No teller is free right now</source>
        <translation>现在柜员都在忙</translation>
    </message>
    <message>
        <source>Video calls are answered during the bank&apos;s opening hours.</source>
        <translation>视频通话只在银行营业时间内接听。</translation>
    </message>
    <message>
        <source>Sorry, no video teller is at work at the moment.</source>
        <translation>很抱歉，
现在没有视频柜员上班。</translation>
    </message>
    <message>
        <source>Sorry, all tellers are busy and nobody could answer in time.</source>
        <translation>很抱歉，柜员都在忙，没能及时接听。</translation>
    </message>
    <message>
        <source>We can phone you back. Choose a time:</source>
        <translation>我们可以给您回电话，请选择时间：</translation>
    </message>
    <message>
        <source>Please go to the counter, or try again later.</source>
        <translation>请到柜台办理，或稍后再试。</translation>
    </message>
    <message>
        <source>Phone me at this time</source>
        <translation>就在这个时间给我打电话</translation>
    </message>
    <message>
        <source>Type your number below</source>
        <translation>请在下面输入号码</translation>
    </message>
    <message>
        <source>Delete</source>
        <translation>删除</translation>
    </message>
    <message>
        <source>Book the call back</source>
        <translation>预约回电</translation>
    </message>
    <message>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <source>Back to the services</source>
        <translation>返回业务菜单</translation>
    </message>
</context>
<context>
    <name>CallReconnecting</name>
    <message>
        <source>The connection is weak. We are reconnecting you to the teller. Please wait, or end the call.</source>
        <translation>网络信号较弱，正在为您重新连接柜员。请稍等，或结束通话。</translation>
    </message>
    <message>
        <source>The connection is weak</source>
        <translation>网络信号不好</translation>
    </message>
    <message>
        <source>We are reconnecting you to the teller. Please wait here, this takes a few seconds.</source>
        <translation>正在重新接通柜员，请在这里稍等。</translation>
    </message>
    <message>
        <source>End the call</source>
        <translation>结束通话</translation>
    </message>
</context>
<context>
    <name>CallTellerOverlay</name>
    <message>
        <source>Calling a teller…</source>
        <translation>正在呼叫柜员…</translation>
    </message>
    <message>
        <source>We are asking a bank employee to help you. Please stay at this machine.</source>
        <translation>我们正在请银行工作人员为您服务，请留在本机旁稍候。</translation>
    </message>
    <message>
        <source>Video calls are not connected at this machine. If nobody comes soon, please go to the counter.</source>
        <translation>本机没有接通视频通话。如果稍后仍无人前来，请到柜台办理。</translation>
    </message>
    <message>
        <source>Cancel the call</source>
        <translation>取消呼叫</translation>
    </message>
    <message>
        <source>We are calling a teller for you. Please stay at this machine. You can cancel the call.</source>
        <translation>正在为您呼叫柜员，请留在本机旁。您也可以取消呼叫。</translation>
    </message>
</context>
<context>
    <name>CallUnavailable</name>
    <message>
        <source>Video calls are not working right now. Please go to the counter, or go back to the services.</source>
        <translation>视频通话暂时无法使用。请到柜台办理，或返回服务首页。</translation>
    </message>
    <message>
        <source>Video calls are not working right now</source>
        <translation>视频通话
暂时无法使用</translation>
    </message>
    <message>
        <source>Sorry, this machine cannot reach the tellers at the moment. Please go to the counter, a member of staff will help you.</source>
        <translation>很抱歉，本机现在
联系不上柜员。
请到柜台办理，
工作人员会为您服务。</translation>
    </message>
    <message>
        <source>Back to the services</source>
        <translation>返回业务菜单</translation>
    </message>
</context>
<context>
    <name>CallWaiting</name>
    <message>
        <source>You are number %1 in the queue for a teller. Please wait here, or stop waiting.</source>
        <translation>您在柜员排队中排第 %1 位。请在这里稍等，或取消等待。</translation>
    </message>
    <message>
        <source>Calling a teller. Please wait here, or stop waiting.</source>
        <translation>正在呼叫柜员。请在这里稍等，或取消等待。</translation>
    </message>
    <message>
        <source>You are number %1 in the queue</source>
        <translation>您排在第 %1 位</translation>
    </message>
    <message>
        <source>Calling a teller…</source>
        <translation>正在呼叫柜员…</translation>
    </message>
    <message>
        <source>Waiting time</source>
        <translation>预计等待</translation>
    </message>
    <message>
        <source>less than a minute</source>
        <translation>不到 1 分钟</translation>
    </message>
    <message>
        <source>about 1 minute</source>
        <translation>约 1 分钟</translation>
    </message>
    <message>
        <source>about %1 minutes</source>
        <translation>约 %1 分钟</translation>
    </message>
    <message>
        <source>While you wait:</source>
        <translation>等待时请您：</translation>
    </message>
    <message>
        <source>Please stay in front of the screen.</source>
        <translation>请留在屏幕前。</translation>
    </message>
    <message>
        <source>Have your ID card ready, if you brought it.</source>
        <translation>如果带了身份证，请准备好。</translation>
    </message>
    <message>
        <source>The teller&apos;s picture will appear here by itself.</source>
        <translation>柜员接听后，画面会自动出现在这里。</translation>
    </message>
    <message>
        <source>Stop waiting</source>
        <translation>取消等待</translation>
    </message>
</context>
<context>
    <name>CallbackBooked</name>
    <message>
        <source>Your call back is booked. A bank employee will phone you at that time. Press finish.</source>
        <translation>回电已预约。银行工作人员会在那个时间给您打电话。请按“完成”。</translation>
    </message>
    <message>
        <source>Your call back is booked</source>
        <translation>回电已预约好</translation>
    </message>
    <message>
        <source>Today</source>
        <translation>今天</translation>
    </message>
    <message>
        <source>Tomorrow</source>
        <translation>明天</translation>
    </message>
    <message>
        <source>A bank employee will phone you at that time. You do not need to stay at this machine.</source>
        <translation>到时银行工作人员会给您打电话。您现在可以离开本机了。</translation>
    </message>
    <message>
        <source>Finish</source>
        <translation>完成</translation>
    </message>
</context>
<context>
    <name>CardIssuance</name>
    <message>
        <source>The camera is not connected. Please ask staff for help.</source>
        <translation>摄像头没有连接。请找工作人员帮忙。</translation>
    </message>
    <message>
        <source>The camera picture has stopped. Please wait a moment or ask staff.</source>
        <translation>摄像头画面停住了。请稍等，或找工作人员帮忙。</translation>
    </message>
    <message>
        <source>The picture is too dark. Please stand in the light or ask staff.</source>
        <translation>画面太暗了。请站到亮一点的地方，或找工作人员帮忙。</translation>
    </message>
    <message>
        <source>Sorry, this machine has no cards left at the moment.</source>
        <translation>抱歉，本机暂时没有可发的卡了。</translation>
    </message>
    <message>
        <source>The card was not taken in time, so the machine took it back and locked it away. Nobody can use it.</source>
        <translation>卡片未在规定时间内取走，机器已将其收回并安全保管，任何人都无法使用。</translation>
    </message>
    <message>
        <source>The card machine needs attention from staff.</source>
        <translation>发卡机需要工作人员处理。</translation>
    </message>
    <message>
        <source>The card was pulled out too early.</source>
        <translation>卡片被过早拔出。</translation>
    </message>
    <message>
        <source>The two PINs you typed were not the same, three times. The card was kept safe inside the machine.</source>
        <translation>您三次输入的两遍密码都不一致。卡片已安全留在机器内。</translation>
    </message>
    <message>
        <source>The PIN was too easy to guess. The card was kept safe inside the machine.</source>
        <translation>密码过于简单，容易被猜到。卡片已安全留在机器内。</translation>
    </message>
    <message>
        <source>You cancelled the PIN. The card was kept safe inside the machine.</source>
        <translation>您取消了密码设置。卡片已安全留在机器内。</translation>
    </message>
    <message>
        <source>No PIN was typed in time. The card was kept safe inside the machine.</source>
        <translation>未在规定时间内输入密码。卡片已安全留在机器内。</translation>
    </message>
    <message>
        <source>The PIN keypad is not working.</source>
        <translation>密码键盘暂时无法使用。</translation>
    </message>
    <message>
        <source>We cannot reach the bank right now. Nothing was opened in your name.</source>
        <translation>暂时无法连接银行。没有以您的名义开立任何账户。</translation>
    </message>
    <message>
        <source>The bank has no customer record for this ID card. A teller can open one for you.</source>
        <translation>银行没有这张证件的客户记录。柜员可以为您办理。</translation>
    </message>
    <message>
        <source>Your ID card has expired. Please bring a valid ID card.</source>
        <translation>您的证件已过期，请携带有效证件。</translation>
    </message>
    <message>
        <source>The name on your ID card is not the name the bank holds. A teller can check it with you.</source>
        <translation>证件上的姓名与银行记录不一致。柜员可以帮您核对。</translation>
    </message>
    <message>
        <source>You already have a debit card with us. A teller can help if it is lost.</source>
        <translation>您已持有本行借记卡。如卡片遗失，柜员可以帮助您。</translation>
    </message>
    <message>
        <source>You need to be older to get this card on your own. A teller can help with a parent.</source>
        <translation>您的年龄不足以独自办理此卡。柜员可以在家长陪同下为您办理。</translation>
    </message>
    <message>
        <source>The bank cannot issue a card here today. A teller can tell you why.</source>
        <translation>今天无法在此为您发卡。柜员可以告诉您原因。</translation>
    </message>
    <message>
        <source>Your signature could not be saved, so no card was given. A teller can help you.</source>
        <translation>您的签名未能保存，因此没有发卡。柜员可以帮助您。</translation>
    </message>
    <message>
        <source>The camera is not working, so we cannot check your ID here.</source>
        <translation>摄像头无法使用，本机暂时无法核验您的身份。</translation>
    </message>
    <message>
        <source>The teller could not confirm who you are, so no card was given. Please visit the counter with your ID card.</source>
        <translation>柜员未能确认您的身份，因此没有发卡。请携带身份证到柜台办理。</translation>
    </message>
    <message>
        <source>Something went wrong with the card machine.</source>
        <translation>发卡机出现故障。</translation>
    </message>
    <message>
        <source>Get a debit card</source>
        <translation>办理借记卡</translation>
    </message>
    <message>
        <source>Which one would you like?</source>
        <translation>您想办理哪一种？</translation>
    </message>
    <message>
        <source>It takes about 3 minutes. You will need:</source>
        <translation>大约需要3分钟。您需要：</translation>
    </message>
    <message>
        <source>Your ID card</source>
        <translation>您的身份证件</translation>
    </message>
    <message>
        <source>To look at the camera and do what the screen asks</source>
        <translation>看向摄像头，按屏幕提示做动作</translation>
    </message>
    <message>
        <source>To sign with your finger and choose a PIN on the keypad</source>
        <translation>用手指签名，并在密码键盘上设置密码</translation>
    </message>
    <message>
        <source>The bank will photograph your ID card and your face to check that the card is yours. The pictures are encrypted and deleted when you finish.</source>
        <translation>银行将拍摄您的证件和面部，以确认是您本人办卡。照片加密保存，办理结束后即删除。</translation>
    </message>
    <message>
        <source>I agree, let&apos;s start</source>
        <translation>我同意，开始办理</translation>
    </message>
    <message>
        <source>Follow the instructions</source>
        <translation>请按提示做动作</translation>
    </message>
    <message>
        <source>Look at the camera</source>
        <translation>请看向摄像头</translation>
    </message>
    <message>
        <source>Hold your ID card up to the camera</source>
        <translation>请将身份证件​对准摄像头</translation>
    </message>
    <message>
        <source>Starting the camera…</source>
        <translation>正在打开摄像头…</translation>
    </message>
    <message>
        <source>Please wait a moment…</source>
        <translation>请稍候…</translation>
    </message>
    <message>
        <source>Identity confirmed</source>
        <translation>身份核验通过</translation>
    </message>
    <message>
        <source>Next, please sign the card agreement.</source>
        <translation>下一步，请签署领卡协议。</translation>
    </message>
    <message>
        <source>Continue</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>再试一次</translation>
    </message>
    <message>
        <source>Please sign your name in the box.</source>
        <translation>请在框内签上您的名字。</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>重签</translation>
    </message>
    <message>
        <source>Confirm signature</source>
        <translation>确认签名</translation>
    </message>
    <message>
        <source>Type the same PIN again</source>
        <translation>请再输入一次​相同的密码</translation>
    </message>
    <message>
        <source>Choose a 6-digit PIN on the keypad</source>
        <translation>请在密码键盘上​设置6位密码</translation>
    </message>
    <message>
        <source>That PIN is too easy to guess. Please choose another one.</source>
        <translation>这个密码太容易被猜到，请换一个。</translation>
    </message>
    <message>
        <source>The two PINs were not the same. Please start again.</source>
        <translation>两次输入的密码不一致，请重新设置。</translation>
    </message>
    <message>
        <source>Cover the keypad with your other hand. Press the green Enter key when you have typed 6 digits. The yellow key clears.</source>
        <translation>请用另一只手遮挡键盘。输入6位数字后按绿色确认键。黄色键为更正。</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Please take your card</source>
        <translation>请取走您的卡</translation>
    </message>
    <message>
        <source>Printing your receipt…</source>
        <translation>正在打印凭条…</translation>
    </message>
    <message>
        <source>Preparing your card…</source>
        <translation>正在准备您的卡…</translation>
    </message>
    <message>
        <source>The bank is opening your account. Please wait, this takes a few seconds.</source>
        <translation>银行正在为您开立账户，请稍候，需要几秒钟。</translation>
    </message>
    <message>
        <source>Please wait. This takes a few seconds.</source>
        <translation>请稍候，需要几秒钟。</translation>
    </message>
    <message>
        <source>Your card is ready</source>
        <translation>您的卡已办好</translation>
    </message>
    <message>
        <source>Card number %1</source>
        <translation>卡号 %1</translation>
    </message>
    <message>
        <source>Card holder %1</source>
        <translation>持卡人 %1</translation>
    </message>
    <message>
        <source>Your receipt is printed, but the printer could not cut it. Please tear it off gently. Your card works with the PIN you chose.</source>
        <translation>凭条已打印，但打印机没能切纸，请轻轻撕下。您的卡片使用您刚设置的密码。</translation>
    </message>
    <message>
        <source>Please take your receipt. Your card works with the PIN you chose.</source>
        <translation>请取走凭条。您的卡片使用您刚设置的密码。</translation>
    </message>
    <message>
        <source>The printer stopped part-way. Please ignore any piece of paper that came out. Scan this code with your phone to get your receipt.</source>
        <translation>打印机打印到一半停了。出来的纸条请不要理会。请用手机扫描此二维码获取凭条。</translation>
    </message>
    <message>
        <source>The printer is not working right now. Scan this code with your phone to get your receipt.</source>
        <translation>打印机暂时无法使用。请用手机扫描此二维码获取凭条。</translation>
    </message>
    <message>
        <source>Finish</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>We could not give you a card</source>
        <translation>未能为您发卡</translation>
    </message>
    <message>
        <source>We could not read your ID card.</source>
        <translation>我们没能读取​您的身份证件。</translation>
    </message>
    <message>
        <source>Hold your ID card up to the camera.</source>
        <translation>请将身份证件对准摄像头。</translation>
    </message>
    <message>
        <source>Move the card so all four corners are on the screen.</source>
        <translation>请移动证件，让四个角都出现在画面中。</translation>
    </message>
    <message>
        <source>Bring the card closer to the camera.</source>
        <translation>请把证件再靠近摄像头一些。</translation>
    </message>
    <message>
        <source>Hold the card still for a moment.</source>
        <translation>请拿稳证件，保持不动。</translation>
    </message>
    <message>
        <source>The card is not sharp. Move it a little further away.</source>
        <translation>证件不清晰，请稍微拿远一点。</translation>
    </message>
    <message>
        <source>There is a reflection on the card. Tilt it slightly.</source>
        <translation>证件上有反光，请稍微倾斜证件。</translation>
    </message>
    <message>
        <source>Got it. Thank you.</source>
        <translation>已识别，谢谢。</translation>
    </message>
    <message>
        <source>We cannot see the photo on the card. Show the side with your photo.</source>
        <translation>看不到证件上的照片，请出示有照片的一面。</translation>
    </message>
    <message>
        <source>We could not read the card. Please hold it flat and still.</source>
        <translation>无法读取证件信息，请将证件放平并保持不动。</translation>
    </message>
    <message>
        <source>Thank you. Please put your card away and look at the camera.</source>
        <translation>谢谢。请收好证件，看向摄像头。</translation>
    </message>
    <message>
        <source>Please look at the camera.</source>
        <translation>请看向摄像头。</translation>
    </message>
    <message>
        <source>Please come a little closer.</source>
        <translation>请再靠近一点。</translation>
    </message>
    <message>
        <source>Please hold still and look at the camera.</source>
        <translation>请保持不动，看向摄像头。</translation>
    </message>
    <message>
        <source>Please blink.</source>
        <translation>请眨眨眼。</translation>
    </message>
    <message>
        <source>Please turn your head slowly to your left.</source>
        <translation>请慢慢向左转头。</translation>
    </message>
    <message>
        <source>Please turn your head slowly to your right.</source>
        <translation>请慢慢向右转头。</translation>
    </message>
    <message>
        <source>Please smile.</source>
        <translation>请微笑。</translation>
    </message>
    <message>
        <source>Please nod your head slowly: down, then up.</source>
        <translation>请慢慢点头：先低头，再抬头。</translation>
    </message>
    <message>
        <source>Follow the moving dot with your head.</source>
        <translation>请转动头部，跟着移动的圆点。</translation>
    </message>
    <message>
        <source>Let&apos;s try a different movement.</source>
        <translation>我们换一个动作试试。</translation>
    </message>
    <message>
        <source>Well done.</source>
        <translation>很好。</translation>
    </message>
    <message>
        <source>Well done. Now look straight at the screen again.</source>
        <translation>很好。现在请再正对屏幕。</translation>
    </message>
    <message>
        <source>Thank you. Your identity is confirmed.</source>
        <translation>谢谢，身份核验通过。</translation>
    </message>
    <message>
        <source>Your face did not match the photo on your ID card.</source>
        <translation>您的面部​与证件照片不一致。</translation>
    </message>
    <message>
        <source>We could not see your face clearly.</source>
        <translation>我们没能看清​您的面部。</translation>
    </message>
    <message>
        <source>The check took too long: we did not see the movement in time.</source>
        <translation>核验超时：没有及时看到您做的动作。</translation>
    </message>
    <message>
        <source>That was not the movement we asked for.</source>
        <translation>您做的动作​与提示不一致。</translation>
    </message>
    <message>
        <source>Someone else came in front of the camera.</source>
        <translation>核验时摄像头前​出现了其他人。</translation>
    </message>
    <message>
        <source>We could not confirm that you are here in person.</source>
        <translation>我们没能确认​是您本人在场。</translation>
    </message>
    <message>
        <source>The identity check is not working right now.</source>
        <translation>身份核验​暂时无法使用。</translation>
    </message>
    <message>
        <source>We could not confirm who you are.</source>
        <translation>我们没能确认​您的身份。</translation>
    </message>
    <message>
        <source>Hold the ID card flat and still, photo side towards the camera, inside the white frame.</source>
        <translation>请把证件放平拿稳，照片一面朝向摄像头，放在白色框内。</translation>
    </message>
    <message>
        <source>Take off a hat or dark glasses, and keep your face inside the white oval.</source>
        <translation>请摘下帽子或墨镜，让面部保持在白色椭圆框内。</translation>
    </message>
    <message>
        <source>Move your head slowly, as the picture on the screen shows.</source>
        <translation>请按屏幕上的图示，慢慢转动头部。</translation>
    </message>
    <message>
        <source>Please stand alone in front of the camera.</source>
        <translation>请一个人站在摄像头前。</translation>
    </message>
    <message>
        <source>about %1 minutes</source>
        <translation>大约%1分钟</translation>
    </message>
    <message>
        <source>about a minute</source>
        <translation>大约一分钟</translation>
    </message>
    <message>
        <source>about half a minute</source>
        <translation>大约半分钟</translation>
    </message>
    <message>
        <source>More below</source>
        <translation>下面还有内容</translation>
    </message>
    <message>
        <source>Step %1 of %2: %3</source>
        <translation>第%1步，共%2步：%3</translation>
    </message>
    <message>
        <source>Your face</source>
        <translation>人脸核验</translation>
    </message>
    <message>
        <source>Sign</source>
        <translation>签名</translation>
    </message>
    <message>
        <source>Choose a PIN</source>
        <translation>设置密码</translation>
    </message>
    <message>
        <source>Take your card</source>
        <translation>取卡</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Get a debit card. It takes about 3 minutes and you need your ID card. To start, press: I agree, let&apos;s start.</source>
        <translation>办理借记卡。大约需要3分钟，请准备好身份证件。请按“我同意，开始办理”。</translation>
    </message>
    <message>
        <source>Hold your ID card up to the camera, photo side towards it, inside the white frame on the screen.</source>
        <translation>请将身份证件对准摄像头，照片一面朝外，放在屏幕上的白色框内。</translation>
    </message>
    <message>
        <source>Do what the screen asks: %1</source>
        <translation>请按屏幕提示做：%1</translation>
    </message>
    <message>
        <source>Look at the camera and keep your face inside the white oval.</source>
        <translation>请看向摄像头，让面部保持在白色椭圆框内。</translation>
    </message>
    <message>
        <source>Movement %1 of %2</source>
        <translation>第%1个动作，共%2个</translation>
    </message>
    <message>
        <source>Your identity is confirmed. Press Continue to sign the card agreement.</source>
        <translation>身份核验通过。请按“继续”，签署开卡协议。</translation>
    </message>
    <message>
        <source>No member of staff could be reached on video just now.</source>
        <translation>暂时无法通过视频联系到工作人员。</translation>
    </message>
    <message>
        <source>You can press Try again, or call a teller.</source>
        <translation>您可以按“再试一次”，或呼叫柜员。</translation>
    </message>
    <message>
        <source>Please press Call a teller. A teller will help you get your card.</source>
        <translation>请按“呼叫柜员”，柜员会帮您办卡。</translation>
    </message>
    <message>
        <source>You can try once more. Nothing has been opened in your name.</source>
        <translation>您可以再试一次。目前没有以您的名义办理任何业务。</translation>
    </message>
    <message>
        <source>Please press Call a teller below. A teller will help you get your card.</source>
        <translation>请按下方的“呼叫柜员”，柜员会帮您办卡。</translation>
    </message>
    <message>
        <source>A member of staff will check your ID with you on video. Please wait.</source>
        <translation>工作人员将通过视频与您一起核对证件，请稍候。</translation>
    </message>
    <message>
        <source>A member of staff will check your ID with you on video.</source>
        <translation>工作人员将通过视频与您一起核对证件。</translation>
    </message>
    <message>
        <source>Please wait. Stay in front of the screen with your ID card.</source>
        <translation>请稍候，请带着身份证件留在屏幕前。</translation>
    </message>
    <message>
        <source>Nothing has been opened in your name.</source>
        <translation>目前没有以您的名义办理任何业务。</translation>
    </message>
    <message>
        <source>Read the card agreement. Then sign your name with your finger in the white box, and press Confirm signature.</source>
        <translation>请阅读开卡协议，然后用手指在白色框内签名，再按“确认签名”。</translation>
    </message>
    <message>
        <source>Read and sign the agreement</source>
        <translation>阅读并签署协议</translation>
    </message>
    <message>
        <source>Type the same 6-digit PIN again on the keypad, then press the green Enter key.</source>
        <translation>请在密码键盘上再输入一次同样的6位密码，然后按绿色确认键。</translation>
    </message>
    <message>
        <source>Choose a 6-digit PIN on the keypad below the screen, then press the green Enter key. To stop, press Cancel.</source>
        <translation>请在屏幕下方的密码键盘上设置6位密码，然后按绿色确认键。如要停止，请按“取消”。</translation>
    </message>
    <message>
        <source>Please take your card from the card slot at the bottom right of the machine, below the screen.</source>
        <translation>请从机器右下方、屏幕下面的出卡口取走您的卡。</translation>
    </message>
    <message>
        <source>Please wait. Your receipt is printing.</source>
        <translation>请稍候，正在打印凭条。</translation>
    </message>
    <message>
        <source>Please wait. Your card is being prepared.</source>
        <translation>请稍候，正在准备您的卡。</translation>
    </message>
    <message>
        <source>Your card is in the card slot at the bottom right of the machine, below the screen.</source>
        <translation>您的卡在机器右下方、屏幕下面的出卡口。</translation>
    </message>
    <message>
        <source>Please take it within %1. After that, the machine keeps it safe inside.</source>
        <translation>请在%1内取走。超时后，机器会把卡安全收回。</translation>
    </message>
    <message>
        <source>Your card is ready.</source>
        <translation>您的卡已办好。</translation>
    </message>
    <message>
        <source>Press Finish when you are done.</source>
        <translation>办完请按“完成”。</translation>
    </message>
    <message>
        <source>A teller can help you get your card. Press Finish to go back to the menu.</source>
        <translation>柜员可以帮您办卡。按“完成”返回主菜单。</translation>
    </message>
    <message>
        <source>A teller can help you get your card: press Call a teller below.</source>
        <translation>柜员可以帮您办卡：请按下方的“呼叫柜员”。</translation>
    </message>
</context>
<context>
    <name>CheckinServices</name>
    <message>
        <source>Open an account</source>
        <translation>开户</translation>
    </message>
    <message>
        <source>Loan consultation</source>
        <translation>贷款咨询</translation>
    </message>
    <message>
        <source>Wealth management</source>
        <translation>理财服务</translation>
    </message>
    <message>
        <source>Cards and payments</source>
        <translation>银行卡与支付</translation>
    </message>
    <message>
        <source>Foreign exchange</source>
        <translation>外币兑换</translation>
    </message>
</context>
<context>
    <name>Footer</name>
    <message>
        <source>Back</source>
        <translation>返回</translation>
    </message>
    <message>
        <source>Start over</source>
        <translation>回到首页</translation>
    </message>
</context>
<context>
    <name>Language</name>
    <message>
        <source>Please choose your language</source>
        <translation>请选择语言</translation>
    </message>
</context>
<context>
    <name>LanguageScreen</name>
    <message>
        <source>Please choose your language: Chinese or English.</source>
        <translation>请选择语言：中文或英文。</translation>
    </message>
</context>
<context>
    <name>Main</name>
    <message>
        <source>Service mode: a customer is using this machine. Try again when it is free.</source>
        <translation>维护模式：有客户正在使用本机，请在空闲时再试。</translation>
    </message>
</context>
<context>
    <name>MenuScreen</name>
    <message>
        <source>Not offered at this machine. A teller can help you.</source>
        <translation>本机不办理此业务，请找柜员办理。</translation>
    </message>
    <message>
        <source>Getting ready, please wait a moment.</source>
        <translation>正在准备，请稍候。</translation>
    </message>
    <message>
        <source>Closed for maintenance right now. Staff at the counter can help you.</source>
        <translation>本项服务正在维护，暂停使用。柜台工作人员可以为您办理。</translation>
    </message>
    <message>
        <source>Closed for maintenance right now. A teller can help you.</source>
        <translation>本项服务正在维护，暂停使用。柜员可以为您办理。</translation>
    </message>
    <message>
        <source>The camera is not working, so a video call is not possible. Staff at the counter can help you.</source>
        <translation>摄像头暂时不能使用，无法视频通话。柜台的工作人员可以帮助您。</translation>
    </message>
    <message>
        <source>Video tellers cannot be reached right now. Staff at the counter can help you.</source>
        <translation>现在联系不上远程柜员。柜台的工作人员可以帮助您。</translation>
    </message>
    <message>
        <source>Not available right now. Staff at the counter can help you.</source>
        <translation>现在暂时不能使用。柜台的工作人员可以帮助您。</translation>
    </message>
    <message>
        <source>No cards left in this machine. A teller can help you.</source>
        <translation>本机的卡已经发完了，柜员可以为您办理。</translation>
    </message>
    <message>
        <source>This machine cannot give out cards until staff have looked at it. A teller can help you.</source>
        <translation>本机需要工作人员处理后才能发卡，柜员可以为您办理。</translation>
    </message>
    <message>
        <source>The card machine is not working right now. A teller can help you.</source>
        <translation>发卡机暂时不能使用，柜员可以为您办理。</translation>
    </message>
    <message>
        <source>The camera is not working right now. A teller can help you.</source>
        <translation>摄像头暂时不能使用，柜员可以为您办理。</translation>
    </message>
    <message>
        <source>The PIN keypad is not working right now. A teller can help you.</source>
        <translation>密码键盘暂时不能使用，柜员可以为您办理。</translation>
    </message>
    <message>
        <source>The printer is not working right now. A teller can help you.</source>
        <translation>打印机暂时不能使用，柜员可以为您办理。</translation>
    </message>
    <message>
        <source>We cannot reach the bank right now. Please try again in a few minutes, or ask at the counter.</source>
        <translation>现在连接不上银行系统。请过几分钟再试，或到柜台办理。</translation>
    </message>
    <message>
        <source>Temporarily unavailable. A teller can help you.</source>
        <translation>暂时无法使用，柜员可以为您办理。</translation>
    </message>
    <message>
        <source>What would you like to do?</source>
        <translation>请问您要办理什么业务？</translation>
    </message>
    <message>
        <source>Touch a service to begin.</source>
        <translation>请点击下方业务开始。</translation>
    </message>
    <message>
        <source>Printer out: your ticket or receipt is shown on the screen.</source>
        <translation>打印机暂停使用：排队号或凭条会显示在屏幕上。</translation>
    </message>
    <message>
        <source>Back to the services</source>
        <translation>返回业务菜单</translation>
    </message>
    <message>
        <source>Choose a service: a debit card, appointment check-in, a queue number, or call a teller.</source>
        <translation>请选择业务：办理借记卡、预约签到、取号排队，或者呼叫柜员。</translation>
    </message>
    <message>
        <source>More services below ↓</source>
        <translation>下方还有更多业务 ↓</translation>
    </message>
</context>
<context>
    <name>MoreBelow</name>
    <message>
        <source>More below ↓</source>
        <translation>下面还有 ↓</translation>
    </message>
</context>
<context>
    <name>OutOfServiceScreen</name>
    <message>
        <source>card dispenser</source>
        <translation>发卡机</translation>
    </message>
    <message>
        <source>receipt printer</source>
        <translation>凭条打印机</translation>
    </message>
    <message>
        <source>camera</source>
        <translation>摄像头</translation>
    </message>
    <message>
        <source>PIN keypad</source>
        <translation>密码键盘</translation>
    </message>
    <message>
        <source>bank connection</source>
        <translation>银行系统连接</translation>
    </message>
    <message>
        <source>video teller</source>
        <translation>远程视频柜员</translation>
    </message>
    <message>
        <source>system</source>
        <translation>系统</translation>
    </message>
    <message>
        <source>Sorry, this machine is closed for maintenance</source>
        <translation>抱歉，本机正在维护，暂停服务</translation>
    </message>
    <message>
        <source>Sorry, this machine cannot serve you right now</source>
        <translation>抱歉，本机暂停服务</translation>
    </message>
    <message>
        <source>Our staff are looking after it. It will be back as soon as they are done.</source>
        <translation>工作人员正在处理，完成后本机会立即恢复服务。</translation>
    </message>
    <message>
        <source>Part of its equipment is not working. It will be back by itself as soon as it is fixed.</source>
        <translation>部分设备出现故障。修复后本机将自动恢复服务。</translation>
    </message>
    <message>
        <source>You can still:</source>
        <translation>您仍可以：</translation>
    </message>
    <message>
        <source>Go to the counter</source>
        <translation>前往柜台</translation>
    </message>
    <message>
        <source>Our staff inside the branch are happy to help you.</source>
        <translation>网点内的工作人员乐意为您服务。</translation>
    </message>
    <message>
        <source>Not working: %1</source>
        <translation>故障设备：%1</translation>
    </message>
    <message>
        <source>Closed by staff</source>
        <translation>工作人员已暂停服务</translation>
    </message>
    <message>
        <source>Sorry, this machine is closed for maintenance.</source>
        <translation>抱歉，本机正在维护，暂停服务。</translation>
    </message>
    <message>
        <source>Sorry, this machine cannot serve you right now.</source>
        <translation>抱歉，本机现在无法为您服务。</translation>
    </message>
    <message>
        <source>You can call a teller, or ask our staff at the counter.</source>
        <translation>您可以呼叫柜员，或者到柜台找工作人员。</translation>
    </message>
</context>
<context>
    <name>ServiceConfig</name>
    <message>
        <source>Configuration as loaded. Tokens, passwords, keys and PIN hashes are masked.</source>
        <translation>当前加载的配置。令牌、密码、密钥和密码散列已隐藏。</translation>
    </message>
    <message>
        <source>Reading…</source>
        <translation>正在读取…</translation>
    </message>
</context>
<context>
    <name>ServiceKeypad</name>
    <message>
        <source>OK</source>
        <translation>确定</translation>
    </message>
</context>
<context>
    <name>ServiceLogs</name>
    <message>
        <source>Journal</source>
        <translation>电子日志</translation>
    </message>
    <message>
        <source>Checking the chain…</source>
        <translation>正在校验日志链…</translation>
    </message>
    <message>
        <source>Not checked yet.</source>
        <translation>尚未校验。</translation>
    </message>
    <message>
        <source>Chain intact: %1 records verified.</source>
        <translation>日志链完整：已校验 %1 条记录。</translation>
    </message>
    <message>
        <source>Chain broken at record %1: %2 (%3 records read).</source>
        <translation>日志链在第 %1 条记录处断开：%2（已读取 %3 条记录）。</translation>
    </message>
    <message>
        <source>Verify journal</source>
        <translation>校验日志</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Exported to %1: %2</source>
        <translation>已导出到 %1：%2</translation>
    </message>
    <message>
        <source>Export writes the journal, its check, the status, counters, logs and the masked configuration to a new folder under the data folder&apos;s exports/.</source>
        <translation>导出会把电子日志及其校验结果、状态、计数、运行日志和隐藏密钥后的配置写入数据目录 exports/ 下的一个新文件夹。</translation>
    </message>
    <message>
        <source>Recent log lines</source>
        <translation>最近的运行日志</translation>
    </message>
    <message>
        <source>Reading…</source>
        <translation>正在读取…</translation>
    </message>
    <message>
        <source>No log lines.</source>
        <translation>没有日志。</translation>
    </message>
</context>
<context>
    <name>ServiceOutIn</name>
    <message>
        <source>Back in service</source>
        <translation>恢复服务</translation>
    </message>
    <message>
        <source>Take out</source>
        <translation>暂停服务</translation>
    </message>
    <message>
        <source>Reason for taking out</source>
        <translation>暂停原因</translation>
    </message>
    <message>
        <source>Reading the kiosk&apos;s status…</source>
        <translation>正在读取本机状态…</translation>
    </message>
    <message>
        <source>Out since %1 (%2, %3). Customers see: closed for maintenance.</source>
        <translation>自 %1 起暂停（%2，%3）。客户看到：正在维护。</translation>
    </message>
    <message>
        <source>Every function at once.</source>
        <translation>一次暂停全部功能。</translation>
    </message>
    <message>
        <source>Out since %1 (%2, %3).</source>
        <translation>自 %1 起暂停（%2，%3）。</translation>
    </message>
    <message>
        <source>Offered to customers now.</source>
        <translation>当前向客户提供。</translation>
    </message>
    <message>
        <source>Not offered now: %1</source>
        <translation>当前不提供：%1</translation>
    </message>
</context>
<context>
    <name>ServiceOverview</name>
    <message>
        <source>Reading the kiosk&apos;s status…</source>
        <translation>正在读取本机状态…</translation>
    </message>
    <message>
        <source>In service</source>
        <translation>正常服务</translation>
    </message>
    <message>
        <source>Out of service</source>
        <translation>暂停服务</translation>
    </message>
    <message>
        <source>Whole kiosk taken out by %1 at %2 (%3)</source>
        <translation>整机由 %1 于 %2 暂停（%3）</translation>
    </message>
    <message>
        <source>Why: %1</source>
        <translation>原因：%1</translation>
    </message>
    <message>
        <source>%1 · %2 · as of %3</source>
        <translation>%1 · %2 · 截至 %3</translation>
    </message>
    <message>
        <source>Functions</source>
        <translation>功能</translation>
    </message>
    <message>
        <source>Taken out by %1 at %2</source>
        <translation>由 %1 于 %2 暂停</translation>
    </message>
    <message>
        <source>Devices</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>(required)</source>
        <translation>（必需）</translation>
    </message>
    <message>
        <source>URL: %1</source>
        <translation>连接：%1</translation>
    </message>
    <message>
        <source>Firmware: %1</source>
        <translation>固件：%1</translation>
    </message>
    <message>
        <source>not reported</source>
        <translation>设备未报告</translation>
    </message>
    <message>
        <source>Supplies: %1</source>
        <translation>耗材：%1</translation>
    </message>
    <message>
        <source>Now: %1</source>
        <translation>当前：%1</translation>
    </message>
    <message>
        <source>Last error: %1 %2 at %3</source>
        <translation>最近故障：%1 %2，时间 %3</translation>
    </message>
    <message>
        <source>Last error: none since start</source>
        <translation>最近故障：启动以来无</translation>
    </message>
    <message>
        <source>Links</source>
        <translation>连接</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
</context>
<context>
    <name>ServicePages</name>
    <message>
        <source>Overview</source>
        <translation>总览</translation>
    </message>
    <message>
        <source>Self-tests</source>
        <translation>自检</translation>
    </message>
    <message>
        <source>Supplies</source>
        <translation>耗材</translation>
    </message>
    <message>
        <source>Logs</source>
        <translation>日志</translation>
    </message>
    <message>
        <source>Config</source>
        <translation>配置</translation>
    </message>
    <message>
        <source>In / out</source>
        <translation>暂停/恢复</translation>
    </message>
    <message>
        <source>Service mode</source>
        <translation>维护模式</translation>
    </message>
    <message>
        <source>Sign out</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>Working…</source>
        <translation>正在处理…</translation>
    </message>
    <message>
        <source>Idle sign-out after a few minutes without a touch.</source>
        <translation>几分钟无操作将自动退出。</translation>
    </message>
</context>
<context>
    <name>ServicePin</name>
    <message>
        <source>Service mode</source>
        <translation>维护模式</translation>
    </message>
    <message>
        <source>Technician PIN</source>
        <translation>技术员密码</translation>
    </message>
    <message>
        <source>Enter your personal PIN. Every sign-in and every action is recorded in the journal.</source>
        <translation>请输入您本人的密码。每次登录和每项操作都会记入电子日志。</translation>
    </message>
    <message>
        <source>Locked after too many wrong PINs. Try again in %1 min %2 s.</source>
        <translation>密码错误次数过多，已锁定。请在 %1 分 %2 秒后再试。</translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation>正在验证…</translation>
    </message>
    <message>
        <source>Wrong PIN. %1 more wrong PIN(s) lock service mode.</source>
        <translation>密码错误。再错 %1 次将锁定维护模式。</translation>
    </message>
    <message>
        <source>No technician is set up on this kiosk ([technician] technicians in kiosk.toml).</source>
        <translation>本机未设置技术员（kiosk.toml 中的 [technician] technicians）。</translation>
    </message>
    <message>
        <source>The kiosk has not finished starting. Try again in a moment.</source>
        <translation>本机尚未启动完成，请稍后再试。</translation>
    </message>
    <message>
        <source>The PIN could not be checked. See the log.</source>
        <translation>无法验证密码，请查看运行日志。</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>确定</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
</context>
<context>
    <name>ServiceSelfTests</name>
    <message>
        <source>Takes one card from the stacker straight to the retain bin.</source>
        <translation>从卡箱取一张卡直接送入回收箱。</translation>
    </message>
    <message>
        <source>Prints the test page.</source>
        <translation>打印测试页。</translation>
    </message>
    <message>
        <source>Takes a snapshot and measures its focus.</source>
        <translation>拍一张照片并测量清晰度。</translation>
    </message>
    <message>
        <source>Checks the link, the tamper switch and the keys.</source>
        <translation>检查连接、防拆开关和密钥。</translation>
    </message>
    <message>
        <source>card fed</source>
        <translation>进卡</translation>
    </message>
    <message>
        <source>card to the bin</source>
        <translation>卡送入回收箱</translation>
    </message>
    <message>
        <source>bin count</source>
        <translation>回收箱计数</translation>
    </message>
    <message>
        <source>cards in the bin</source>
        <translation>回收箱内卡数</translation>
    </message>
    <message>
        <source>state after the test</source>
        <translation>测试后状态</translation>
    </message>
    <message>
        <source>printed</source>
        <translation>已打印</translation>
    </message>
    <message>
        <source>cut</source>
        <translation>切纸</translation>
    </message>
    <message>
        <source>picture</source>
        <translation>拍照</translation>
    </message>
    <message>
        <source>focus</source>
        <translation>清晰度</translation>
    </message>
    <message>
        <source>light</source>
        <translation>光线</translation>
    </message>
    <message>
        <source>brightness</source>
        <translation>亮度</translation>
    </message>
    <message>
        <source>device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>link</source>
        <translation>连接</translation>
    </message>
    <message>
        <source>tamper</source>
        <translation>防拆</translation>
    </message>
    <message>
        <source>keys</source>
        <translation>密钥</translation>
    </message>
    <message>
        <source>Reading the kiosk&apos;s devices…</source>
        <translation>正在读取本机设备…</translation>
    </message>
    <message>
        <source>Testing</source>
        <translation>测试中</translation>
    </message>
    <message>
        <source>Run test</source>
        <translation>开始测试</translation>
    </message>
    <message>
        <source>Could not run: %1</source>
        <translation>无法测试：%1</translation>
    </message>
    <message>
        <source>Passed at %1</source>
        <translation>通过（%1）</translation>
    </message>
    <message>
        <source>Failed at %1</source>
        <translation>未通过（%1）</translation>
    </message>
</context>
<context>
    <name>ServiceSupplies</name>
    <message>
        <source>in the stacker (our count)</source>
        <translation>卡箱内（本机计数）</translation>
    </message>
    <message>
        <source>loaded at the last replenishment</source>
        <translation>上次补卡数量</translation>
    </message>
    <message>
        <source>fed since then</source>
        <translation>补卡后已发</translation>
    </message>
    <message>
        <source>in the retain bin</source>
        <translation>回收箱内</translation>
    </message>
    <message>
        <source>fed in all</source>
        <translation>累计发卡</translation>
    </message>
    <message>
        <source>presented at the gate</source>
        <translation>送到出卡口</translation>
    </message>
    <message>
        <source>taken by customers</source>
        <translation>客户取走</translation>
    </message>
    <message>
        <source>pulled back</source>
        <translation>收回</translation>
    </message>
    <message>
        <source>captured</source>
        <translation>吞卡</translation>
    </message>
    <message>
        <source>updated</source>
        <translation>更新时间</translation>
    </message>
    <message>
        <source>roll replaced at</source>
        <translation>换纸时间</translation>
    </message>
    <message>
        <source>receipts on this roll</source>
        <translation>本卷已打印凭条</translation>
    </message>
    <message>
        <source>receipts printed in all</source>
        <translation>累计打印凭条</translation>
    </message>
    <message>
        <source>prints by kind</source>
        <translation>按类别打印数</translation>
    </message>
    <message>
        <source>Cards</source>
        <translation>卡</translation>
    </message>
    <message>
        <source>In the stacker by our count: %1</source>
        <translation>卡箱内（本机计数）：%1</translation>
    </message>
    <message>
        <source>Cards now in the stacker:</source>
        <translation>卡箱内现有卡数：</translation>
    </message>
    <message>
        <source>Cards loaded</source>
        <translation>已补卡</translation>
    </message>
    <message>
        <source>Retain bin</source>
        <translation>回收箱</translation>
    </message>
    <message>
        <source>In the bin by our count: %1</source>
        <translation>回收箱内（本机计数）：%1</translation>
    </message>
    <message>
        <source>Cards taken out:</source>
        <translation>取出卡数：</translation>
    </message>
    <message>
        <source>Bin emptied</source>
        <translation>已清空回收箱</translation>
    </message>
    <message>
        <source>Bin</source>
        <translation>回收箱</translation>
    </message>
    <message>
        <source>Paper</source>
        <translation>凭条纸</translation>
    </message>
    <message>
        <source>Paper replaced</source>
        <translation>已换纸</translation>
    </message>
    <message>
        <source>Counters</source>
        <translation>计数</translation>
    </message>
    <message>
        <source>Reading the counters…</source>
        <translation>正在读取计数…</translation>
    </message>
    <message>
        <source>Bin count mismatch at open (the device&apos;s count was taken): %1</source>
        <translation>启动时回收箱计数不一致（已采用设备计数）：%1</translation>
    </message>
    <message>
        <source>Transactions</source>
        <translation>交易</translation>
    </message>
    <message>
        <source>Faults</source>
        <translation>故障</translation>
    </message>
</context>
<context>
    <name>ServiceTopBar</name>
    <message>
        <source>%1 · signed in: %2 (%3)</source>
        <translation>%1 · 已登录：%2（%3）</translation>
    </message>
</context>
<context>
    <name>ServiceWords</name>
    <message>
        <source>Card dispenser</source>
        <translation>发卡机</translation>
    </message>
    <message>
        <source>Receipt printer</source>
        <translation>凭条打印机</translation>
    </message>
    <message>
        <source>Camera</source>
        <translation>摄像头</translation>
    </message>
    <message>
        <source>PIN pad</source>
        <translation>密码键盘</translation>
    </message>
    <message>
        <source>online</source>
        <translation>在线</translation>
    </message>
    <message>
        <source>offline</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>power off</source>
        <translation>已断电</translation>
    </message>
    <message>
        <source>no device</source>
        <translation>无设备</translation>
    </message>
    <message>
        <source>hardware error</source>
        <translation>硬件故障</translation>
    </message>
    <message>
        <source>user error</source>
        <translation>操作错误</translation>
    </message>
    <message>
        <source>busy</source>
        <translation>忙</translation>
    </message>
    <message>
        <source>fraud attempt</source>
        <translation>欺诈尝试</translation>
    </message>
    <message>
        <source>potential fraud</source>
        <translation>疑似欺诈</translation>
    </message>
    <message>
        <source>starting</source>
        <translation>启动中</translation>
    </message>
    <message>
        <source>stacker</source>
        <translation>卡箱</translation>
    </message>
    <message>
        <source>retain bin</source>
        <translation>回收箱</translation>
    </message>
    <message>
        <source>paper</source>
        <translation>纸</translation>
    </message>
    <message>
        <source>ok</source>
        <translation>正常</translation>
    </message>
    <message>
        <source>full</source>
        <translation>满</translation>
    </message>
    <message>
        <source>high</source>
        <translation>将满</translation>
    </message>
    <message>
        <source>low</source>
        <translation>不足</translation>
    </message>
    <message>
        <source>empty</source>
        <translation>空</translation>
    </message>
    <message>
        <source>out</source>
        <translation>缺纸</translation>
    </message>
    <message>
        <source>jammed</source>
        <translation>卡住</translation>
    </message>
    <message>
        <source>missing</source>
        <translation>未装</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>Whole kiosk</source>
        <translation>整机</translation>
    </message>
    <message>
        <source>taken out of service</source>
        <translation>已暂停服务</translation>
    </message>
    <message>
        <source>no cards in the stacker</source>
        <translation>卡箱无卡</translation>
    </message>
    <message>
        <source>retain bin full</source>
        <translation>回收箱已满</translation>
    </message>
    <message>
        <source>card dispenser down</source>
        <translation>发卡机故障</translation>
    </message>
    <message>
        <source>camera down</source>
        <translation>摄像头故障</translation>
    </message>
    <message>
        <source>PIN pad down</source>
        <translation>密码键盘故障</translation>
    </message>
    <message>
        <source>printer down</source>
        <translation>打印机故障</translation>
    </message>
    <message>
        <source>a device is down</source>
        <translation>有设备故障</translation>
    </message>
    <message>
        <source>bank not reachable</source>
        <translation>无法连接银行</translation>
    </message>
    <message>
        <source>video tellers not reachable</source>
        <translation>无法连接视频柜员</translation>
    </message>
    <message>
        <source>a service is down</source>
        <translation>有服务不可用</translation>
    </message>
    <message>
        <source>Bank</source>
        <translation>银行</translation>
    </message>
    <message>
        <source>Video teller hub</source>
        <translation>视频柜员中心</translation>
    </message>
    <message>
        <source>Appointment sync</source>
        <translation>预约同步</translation>
    </message>
    <message>
        <source>Maintenance</source>
        <translation>维护</translation>
    </message>
    <message>
        <source>Supplies</source>
        <translation>耗材</translation>
    </message>
    <message>
        <source>Device fault</source>
        <translation>设备故障</translation>
    </message>
    <message>
        <source>Cleaning</source>
        <translation>清洁</translation>
    </message>
    <message>
        <source>Cards loaded: %1 in the stacker. Recorded in the journal.</source>
        <translation>已补卡：卡箱内现有 %1 张。已记入电子日志。</translation>
    </message>
    <message>
        <source>Bin emptied: %1 cards removed. Recorded in the journal.</source>
        <translation>已清空回收箱：取出 %1 张卡。已记入电子日志。</translation>
    </message>
    <message>
        <source>Paper replaced. Recorded in the journal.</source>
        <translation>已换纸。已记入电子日志。</translation>
    </message>
    <message>
        <source>%1: out of service.</source>
        <translation>%1：已暂停服务。</translation>
    </message>
    <message>
        <source>%1: back in service.</source>
        <translation>%1：已恢复服务。</translation>
    </message>
    <message>
        <source>Exported to %1</source>
        <translation>已导出到 %1</translation>
    </message>
    <message>
        <source>Enter the number of cards first.</source>
        <translation>请先输入卡数。</translation>
    </message>
    <message>
        <source>The kiosk has not finished starting. Try again in a moment.</source>
        <translation>本机尚未启动完成，请稍后再试。</translation>
    </message>
    <message>
        <source>Not done: %1</source>
        <translation>未完成：%1</translation>
    </message>
</context>
<context>
    <name>Services</name>
    <message>
        <source>Get a debit card</source>
        <extracomment>Modules that may provide flows; each has ``register(registry: ScreenRegistry) -&gt; None``. A module that does not exist yet is simply skipped (its menu entry stays disabled). Counts as customer activity: call it while the customer is busy without touching the screen (a card being dispensed, a face being captured) so the session stays. Builds the page&apos;s view-model (a QObject) for one customer session. Device kinds the flow cannot run without (shorthand for ``needs``). What the flow needs to be offered (devices with supplies, services, optional devices); when None, every kind in ``devices`` must be usable. What the entry needs when the shell runs it itself (``flow`` None), or until its flow registers its own ``FlowScreen.needs``. Shown (disabled) while its flow is not installed; False: not listed at all. Calling a teller: the camera (the teller sees the customer and the ID) and the video teller service (runtime.services[&quot;teller_call&quot;]: the hub over the network). Without them the header&apos;s teller button still says honestly where a person can be found. A walk-in queue ticket (no flow yet): the number on screen with a QR code when the printer is out, like the check-in ticket. Its FlowScreen should repeat this when it lands.</extracomment>
        <translation>办理借记卡</translation>
    </message>
    <message>
        <source>A new card in minutes. Please have your ID card ready.</source>
        <translation>几分钟即可拿到新卡，
请准备好身份证。</translation>
    </message>
    <message>
        <source>Check in for an appointment</source>
        <translation>预约签到</translation>
    </message>
    <message>
        <source>Booked online or by phone? Check in here.</source>
        <translation>已在网上或电话预约？
请在这里签到。</translation>
    </message>
    <message>
        <source>Call a teller</source>
        <translation>呼叫柜员</translation>
    </message>
    <message>
        <source>A bank employee will help you.</source>
        <translation>银行工作人员将为您服务。</translation>
    </message>
    <message>
        <source>Take a queue number</source>
        <translation>取号排队</translation>
    </message>
    <message>
        <source>No appointment? Get a number for the counter.</source>
        <translation>没有预约？
在这里取号，到柜台办理。</translation>
    </message>
</context>
<context>
    <name>Shell</name>
    <message>
        <source>Call a teller</source>
        <translation>呼叫柜员</translation>
    </message>
    <message>
        <source>Larger text</source>
        <extracomment>Labels: in the customer&apos;s language by default; the attract screen passes both.</extracomment>
        <translation>大字</translation>
    </message>
    <message>
        <source>High contrast</source>
        <translation>高对比度</translation>
    </message>
    <message>
        <source>On</source>
        <translation>开</translation>
    </message>
    <message>
        <source>Off</source>
        <translation>关</translation>
    </message>
</context>
<context>
    <name>SignaturePad</name>
    <message>
        <source>Sign here with your finger</source>
        <translation>请用手指在此签名</translation>
    </message>
</context>
<context>
    <name>TimeoutPrompt</name>
    <message>
        <source>Need more time?</source>
        <translation>需要更多时间吗？</translation>
    </message>
    <message>
        <source>Please answer, or the screen will be cleared to protect your privacy.</source>
        <translation>为保护您的隐私，届时屏幕将自动清空。</translation>
    </message>
    <message>
        <source>seconds</source>
        <translation>秒</translation>
    </message>
    <message>
        <source>Yes, I need more time</source>
        <translation>是的，我需要更多时间</translation>
    </message>
    <message>
        <source>No, I am finished</source>
        <translation>不用了，我已办完</translation>
    </message>
    <message>
        <source>Do you need more time? Choose yes to go on, or no if you are finished.</source>
        <translation>您需要更多时间吗？需要请选“是的”，办完了请选“不用了”。</translation>
    </message>
</context>
<context>
    <name>WalkinTicket</name>
    <message numerus="yes">
        <source>%n people ahead of you</source>
        <translation>
            <numerusform>前面还有%n人</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>about %n minutes</source>
        <translation>
            <numerusform>大约等%n分钟</numerusform>
        </translation>
    </message>
    <message>
        <source>, </source>
        <translation>，</translation>
    </message>
    <message>
        <source>.</source>
        <translation>。</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Done</source>
        <translation>完成</translation>
    </message>
    <message>
        <source>Getting your number…</source>
        <translation>正在为您取号……</translation>
    </message>
    <message>
        <source>Please take your ticket from the slot below the screen.</source>
        <translation>请从屏幕下方的出票口取走您的号票。</translation>
    </message>
    <message>
        <source>Please try again. If it still does not work, a teller can help you.</source>
        <translation>请再试一次。如果还是不行，柜员可以帮您。</translation>
    </message>
    <message>
        <source>Please wait a moment.</source>
        <translation>请稍等。</translation>
    </message>
    <message>
        <source>Please wait until your number is called.</source>
        <translation>请等候叫号。</translation>
    </message>
    <message>
        <source>Please wait. We are getting your number.</source>
        <translation>请稍等，正在为您取号。</translation>
    </message>
    <message>
        <source>Sorry, we could not give you a number</source>
        <translation>抱歉，没能为您取号</translation>
    </message>
    <message>
        <source>Sorry, we could not give you a number. You can try again, or call a teller.</source>
        <translation>抱歉，没能为您取号。您可以再试一次，或者呼叫柜员。</translation>
    </message>
    <message>
        <source>Take a queue number</source>
        <translation>排队取号</translation>
    </message>
    <message>
        <source>Take a queue number. Choose the service you need: opening an account, a loan, wealth management, cards and payments, or foreign exchange. Or call a teller.</source>
        <translation>排队取号。请选择您要办的业务：开户、贷款咨询、理财服务、银行卡与支付，或者外币兑换。也可以呼叫柜员。</translation>
    </message>
    <message>
        <source>The printer is not working right now, so there is no paper ticket. Please remember your number, or take a photo of this code with your phone.</source>
        <translation>打印机暂时不能用，所以没有纸质号票。请记住您的号码，或者用手机拍下这个二维码。</translation>
    </message>
    <message>
        <source>Try again</source>
        <translation>再试一次</translation>
    </message>
    <message>
        <source>What do you need help with? Choose one.</source>
        <translation>您要办什么业务？请选一项。</translation>
    </message>
    <message>
        <source>You&apos;re next.</source>
        <translation>下一位就是您。</translation>
    </message>
    <message>
        <source>Your number is %1. %2 Please take your ticket from the slot below the screen, then wait until your number is called.</source>
        <translation>您的号码是%1。%2请从屏幕下方的出票口取走号票，然后等候叫号。</translation>
    </message>
    <message>
        <source>Your number is %1. %2 The printer is not working, so please remember your number or photograph the code on the screen.</source>
        <translation>您的号码是%1。%2打印机暂时不能用，请记住您的号码，或者拍下屏幕上的二维码。</translation>
    </message>
    <message>
        <source>Your number</source>
        <translation>您的号码</translation>
    </message>
    <message>
        <source>Your ticket is in the slot below the screen. Please tear it off gently.</source>
        <translation>号票在屏幕下方的出票口，请轻轻撕下。</translation>
    </message>
</context>
</TS>
